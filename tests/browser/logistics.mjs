// Journey of a logistics officer (quarantine.group_logistics, with Tryton's
// stock and purchase groups), in zh_CN: plan fifteen days of supplies for a
// site (compute from its residents and the ration norms, confirm into
// purchase orders), then take a supplier's truck through its delivery to
// the site: load, depart, deliver.  The fixture prepared the site and its
// residents, the contract covering every product of the norms, a purchase
// being delivered, the truck (disinfected this morning), its driver's
// negative test of 5 hours ago and the draft dispatch.  Run by
// tests/test_browser.py (see lib.mjs for the environment).
import { Journey, settings } from './lib.mjs';

const options = settings();
const data = options.data.logistics;
const journey = new Journey('logistics', options);

await journey.run(async (j) => {
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '物资保障', '储存计划'], 'quarantine.supply.plan');

    await j.step('create a stocking plan for the site', async () => {
        await j.newRecord('quarantine.supply.plan');
        await j.many2one('site', data.site_name);
        await j.save();
        j.log(`plan ${await j.value('number')}, ${await j.value('reserve_days')} days`);
        await j.shot('02-plan-draft.png');
    });

    await j.step('compute the plan', async () => {
        await j.button('compute');
        await j.waitValue('state', 'computed');
        const lines = await j.count('lines');
        const residents = await j.value('current_residents');
        const population = await j.value('population');
        j.log(`${lines} lines for ${residents} residents (population ${population})`);
        if (lines < data.products || !(population > 0)) {
            throw new Error(`the plan computed ${lines} lines for a population of ${population}`);
        }
        await j.shot('03-plan-computed.png');
        await j.scanEnglish('stocking plan');
    });

    await j.step('confirm the plan into purchases', async () => {
        await j.button('confirm');
        await j.waitValue('state', 'confirmed');
        const purchases = await j.count('purchases');
        j.log(`${purchases} purchase(s) ordered`);
        if (!purchases) {
            throw new Error('confirming the plan ordered nothing');
        }
        await j.shot('04-plan-confirmed.png');
        await j.docShot('logistics.png');
    });

    await j.openMenu(['隔离管理', '物资保障', '物资配送'], 'quarantine.supply.dispatch');

    await j.step('open the truck dispatch', async () => {
        await j.domainTab('草稿');
        await j.openRow(data.dispatch, 'quarantine.supply.dispatch');
        if (await j.value('state') !== 'draft') {
            throw new Error(`the dispatch is ${await j.value('state')}`);
        }
        j.log(`dispatch ${data.dispatch}: ${await j.count('lines')} line(s)`);
        await j.shot('05-dispatch-draft.png');
        await j.scanEnglish('truck dispatch');
    });

    for (const [button, state, shot] of [
            ['load', 'loaded', '06-loaded.png'],
            ['depart', 'in_transit', '07-in-transit.png'],
            ['deliver', 'delivered', '08-delivered.png'],
            ]) {
        await j.step(`press ${button}`, async () => {
            const label = await j.button(button);
            await j.waitValue('state', state, `the dispatch ${state} after "${label}"`);
            await j.shot(shot);
        });
    }

    await j.step('print the dispatch note', async () => {
        const file = await j.report('物资配送单', 'dispatch_note.pdf');
        j.pdfText(file, [data.dispatch, data.supplier]);
    });
});
