// Journey of the transfer team (quarantine_transfer.group_transfer), in
// zh_CN: take a draft transfer of two persons from a community to a site,
// give it a vehicle, a driver and escorts, request it (numbering it and
// setting its deadline), dispatch it, and print the three-part handover
// form.  Run by tests/test_browser.py (see lib.mjs for the environment).
import { Journey, settings } from './lib.mjs';

const options = settings();
const data = options.data.transfer;
const journey = new Journey('transfer', options);

await journey.run(async (j) => {
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '闭环转运', '闭环转运'], 'quarantine.transfer');

    await j.step('open the draft transfer', async () => {
        await j.domainTab('草稿');
        await j.openRow(data.origin, 'quarantine.transfer');
        if (await j.value('state') !== 'draft') {
            throw new Error(`the transfer is ${await j.value('state')}`);
        }
        await j.shot('02-draft-transfer.png');
        await j.scanEnglish('transfer form');
    });

    await j.step('assign the vehicle, driver and escorts', async () => {
        await j.many2one('vehicle', data.vehicle);
        await j.fill('driver', data.driver);
        await j.fill('driver_phone', data.driver_phone);
        await j.fill('escorts', data.escorts);
        await j.save();
        await j.shot('03-vehicle-assigned.png');
    });

    let number;
    await j.step('request the transfer', async () => {
        await j.button('request');
        await j.waitValue('state', 'requested');
        number = await j.value('number');
        if (!/^ZY\d{8}-\d{4}$/.test(number || '')) {
            throw new Error(`transfer number "${number}"`);
        }
        if (!(await j.value('deadline'))) {
            throw new Error('the request set no deadline');
        }
        j.log(`transfer ${number}`);
        await j.shot('04-requested.png');
        await j.scanEnglish('transfer requested');
    });

    await j.step('dispatch the transfer', async () => {
        await j.button('dispatch');
        await j.waitValue('state', 'dispatched');
        await j.shot('05-dispatched.png');
        await j.docShot('transfer.png');
    });

    await j.step('print the three-part handover form', async () => {
        const file = await j.report('转运交接单', 'handover_form.pdf');
        const text = j.pdfText(file, ['社区留存联', '隔离点留存联', '转运组留存联',
            number, data.vehicle, ...data.persons]);
        // One number for the three parts.
        const copies = text.split(number).length - 1;
        if (copies < 3) {
            throw new Error(`the number ${number} is printed ${copies} time(s), not on each part`);
        }
    });
});
