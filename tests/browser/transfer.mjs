// Journey of the demo city's transfer team (login `transfer`,
// quarantine_transfer.group_transfer), in zh_CN, on the demo's own records
// (scripts/load_demo.py, data/demo_city/day.csv): the positive's transfer
// to hospital, requested with no vehicle yet, gets the negative-pressure
// ambulance, its driver and escorts, is dispatched and its three-part
// handover form printed; then the bus under way to its site is received
// there, its persons counted against the list.  Run by
// tests/test_browser.py, which passes the demo's names in DEMO (see
// lib.mjs for the rest of the environment).
import { Journey, backToList, settings } from './lib.mjs';

const options = settings();
const demo = JSON.parse(process.env.DEMO);
const journey = new Journey('transfer', options);

// The persons of the current transfer's lines, as the form lists them.
async function persons(j) {
    return j.page.evaluate(() => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        return record._values.lines.map(l => l.field_get_client('person'));
    });
}

await journey.run(async (j) => {
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '闭环转运', '闭环转运'], 'quarantine.transfer');

    const hospital = demo.positive;
    await j.step("open the positive's transfer to hospital", async () => {
        await j.domainTab('已申请');
        await j.openRow(hospital.origin, 'quarantine.transfer');
        const state = await j.value('state');
        const names = await persons(j);
        j.log(`${await j.value('number')}: ${names.join('、')}, ${state}`);
        if (state !== 'requested' || names.join() !== hospital.name) {
            throw new Error(`the transfer from ${hospital.origin} is ${state} `
                + `for ${names.join('、')}, not requested for ${hospital.name}`);
        }
        if (await j.value('vehicle') !== null) {
            throw new Error(`it has a vehicle already: ${await j.value('vehicle', false)}`);
        }
        if (!(await j.value('has_positive'))) {
            throw new Error('the transfer does not show its positive on board');
        }
        await j.shot('02-requested-transfer.png');
        await j.scanEnglish('transfer form');
    });

    const ambulance = demo.ambulance;
    let number, origin, destination;
    await j.step('assign the negative-pressure ambulance, driver and escorts', async () => {
        await j.many2one('vehicle', ambulance.plate);
        await j.fill('driver', ambulance.driver);
        await j.fill('driver_phone', ambulance.driver_phone);
        await j.fill('escorts', demo.escorts);
        await j.save();
        number = await j.value('number');
        origin = await j.value('origin');
        destination = await j.value('destination');
        if (!/^ZY\d{8}-\d{4}$/.test(number || '') || !destination) {
            throw new Error(`transfer "${number}" to "${destination}"`);
        }
        j.log(`transfer ${number}: ${origin} → ${destination}, ${ambulance.plate}`);
        await j.shot('03-vehicle-assigned.png');
    });

    await j.step('dispatch the transfer', async () => {
        await j.button('dispatch');
        await j.waitValue('state', 'dispatched');
        if (!(await j.value('dispatched_at'))) {
            throw new Error('the dispatch set no time');
        }
        await j.shot('04-dispatched.png');
        await j.docShot('transfer.png');
        await j.scanEnglish('transfer dispatched');
    });

    await j.step('print the three-part handover form', async () => {
        const file = await j.report('转运交接单', 'handover_form.pdf');
        const text = j.pdfText(file, ['社区留存联', '隔离点留存联', '转运组留存联',
            number, hospital.name, ambulance.plate, origin, destination]);
        // One number, vehicle, origin and destination on each of the
        // three parts, in their boxes.
        for (const [what, pattern] of [
                ['number', number],
                ['plate', `车牌号\\s+${ambulance.plate}`],
                ['origin', `出发地\\s+${origin}`],
                ['destination', `目的地\\s+${destination}`],
                ]) {
            const copies = (text.match(new RegExp(pattern, 'g')) || []).length;
            if (copies !== 3) {
                throw new Error(`the ${what} (${pattern}) is printed ${copies} time(s), `
                    + 'not once on each part');
            }
        }
    });

    const bus = demo.bus;
    await j.step('open the bus under way', async () => {
        await backToList(j, 'quarantine.transfer');
        await j.domainTab('已发车');
        await j.openRow(bus.origin, 'quarantine.transfer');
        const names = (await persons(j)).sort();
        const vehicle = await j.value('vehicle', false);
        j.log(`${await j.value('number')}: ${bus.origin} → ${bus.site}, `
            + `${vehicle}, ${names.join('、')}`);
        if (await j.value('state') !== 'dispatched'
                || await j.value('to_site', false) !== bus.site
                || names.join() !== [...bus.persons].sort().join()) {
            throw new Error(`the transfer from ${bus.origin} is ${await j.value('state')} `
                + `to ${await j.value('to_site', false)} with ${names.join('、')}`);
        }
        await j.shot('05-bus-under-way.png');
    });

    await j.step('receive the bus at its site', async () => {
        // the persons received are counted against the list first
        // (Ruijin L1680: 不漏一人，不错一人)
        await j.fill('received_count', bus.persons.length);
        await j.button('arrive');
        await j.waitValue('state', 'arrived');
        if (!(await j.value('arrived_at'))) {
            throw new Error('the arrival set no time');
        }
        await j.shot('06-bus-arrived.png');
        await j.scanEnglish('transfer arrived');
    });
});
