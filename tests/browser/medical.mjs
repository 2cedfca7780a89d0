// Journey of the medical staff (quarantine.group_medical), in zh_CN, on the
// demo city's day (scripts/load_demo.py load_day, data/demo_city/day.csv):
// the demo's doctor prints a site's sampling roster of the day, records
// its results at once (the samples awaiting results, filtered by the
// site), releases a resident whose 14 days end today (the demo recorded
// his two exit specimens this morning, by its two laboratories) and prints
// the release certificate with the dates the specimens were taken.  Run
// by tests/test_browser.py.
import { Journey, settings } from './lib.mjs';

const options = settings();
const data = options.data.medical;
const journey = new Journey('medical', options);

await journey.run(async (j) => {
    await j.login();
    await j.shot('01-home.png');

    await j.step("print today's sampling roster", async () => {
        const dialog = await j.menuWizard(
            ['隔离管理', '隔离人员', '核酸样本', '打印采样名单'], '打印采样名单');
        await j.many2one('site', data.site_name, dialog);
        const file = await j.wizardDownload(dialog, '打印', 'sampling_roster.pdf');
        const text = j.pdfText(file, [data.site_name, data.today,
            ...data.roster_names]);
        // The residents released today have no test left to take.
        const released = data.released.filter(name => text.includes(name));
        if (released.length) {
            throw new Error(`the roster lists ${released.join(', ')}, whose exit `
                + 'specimens were taken this morning');
        }
    });

    await j.openMenu(['隔离管理', '隔离人员', '核酸样本'], 'quarantine.sample');

    await j.step("list the site's samples awaiting results", async () => {
        await j.domainTab('结果未出');
        await j.search(`隔离点: "${data.site_name}"`);
        await j.waitRows(data.roster_count,
            `the ${data.roster_count} samples of today's roster`);
        const stays = await j.listValues('stay', false);
        j.log(`awaiting results: ${stays.join(', ')}`);
        const missing = data.roster_names.filter(n => !stays.includes(n));
        if (missing.length) {
            throw new Error(`${missing.join(', ')} not awaiting results`);
        }
        await j.shot('02-roster-today.png');
        await j.docShot('medical.png');
        await j.scanEnglish('sampling roster');
    });

    await j.step('record the results of the roster', async () => {
        const count = await j.selectAll();
        const dialog = await j.wizard('登记检测结果');
        const shown = Number(await j.field('count', dialog).inputValue());
        if (shown !== count) {
            throw new Error(`the wizard records ${shown} samples, ${count} selected`);
        }
        // The result proposed is negative and the collection time now: a
        // nurse keeps both and names the laboratory and its reagent.
        if (await j.field('result', dialog).inputValue() !== '"negative"') {
            throw new Error('the wizard does not propose a negative result');
        }
        await j.many2one('institution', data.institution, dialog);
        await j.fill('reagent', data.reagent, dialog);
        await j.shot('03-record-results.png');
        await j.scanEnglish('record results');
        await j.wizardButton(dialog, '登记');
        // The list is searched again: the samples recorded leave 结果未出
        // and none stays selected for the next batch.
        await j.waitRows(0, 'the recorded samples to leave 结果未出');
        if ((await j.screen()).selected !== 0) {
            throw new Error('rows stay selected after recording the results');
        }
        await j.domainTab('今天');
        let results = [];
        await j.until(async () => {
            results = await j.listValues('result');
            return results.length >= count
                && results.every(r => r && r !== 'pending');
        }, 'the results recorded');
        if (results.some(r => r !== 'negative')) {
            throw new Error(`the wizard showed the result 阴性 (negative) and recorded `
                + `${JSON.stringify(results)}`);
        }
        await j.shot('04-results-recorded.png');
    });

    await j.openMenu(['隔离管理', '隔离人员'], 'quarantine.stay');

    let number;
    await j.step('release the resident due today', async () => {
        // The residents whose period ends by today; no search typed: a
        // search right before opening a row can make sao open the list a
        // second time (its hashchange handler races the form's loading).
        await j.domainTab('待解除');
        const due = await j.listValues('person', false);
        j.log(`due for release: ${due.join(', ')}`);
        const missing = data.released.filter(n => !due.includes(n));
        if (missing.length) {
            throw new Error(`${missing.join(', ')} not due for release`);
        }
        await j.openRow(data.resident, 'quarantine.stay');
        if (await j.value('state') !== 'admitted') {
            throw new Error(`${data.resident} is ${await j.value('state')}`);
        }
        await j.shot('05-resident.png');
        await j.scanEnglish('resident stay');
        const label = await j.button('release', { confirm: true });
        j.log(`pressed "${label}"`);
        await j.waitValue('state', 'released', `${data.resident} released`);
        number = await j.value('certificate_number');
        if (!/^JC\d{4}-\d{6}$/.test(number || '')) {
            throw new Error(`certificate number "${number}"`);
        }
        j.log(`certificate ${number}`);
        await j.shot('06-released.png');
    });

    await j.step('print the release certificate', async () => {
        const file = await j.report('解除集中医学观察证明', 'release_certificate.pdf');
        const text = j.pdfText(file, [number, data.resident,
            ...data.laboratories, ...data.reagents]);
        // Its tests, a line each: this morning's exit pair taken today by
        // the two laboratories, the earlier tests on their days.
        const lines = text.split('\n');
        for (const lab of data.laboratories) {
            const line = lines.find(l => l.includes(lab) && l.includes(data.today));
            if (!line) {
                throw new Error(`no test of ${lab} taken on ${data.today} in: ${text}`);
            }
        }
        const exits = lines.filter(l => l.includes(data.exit_test)
            && l.includes(data.today));
        if (exits.length !== 2) {
            throw new Error(`${exits.length} exit test(s) taken on ${data.today}: `
                + `${exits.join(' / ')}`);
        }
        const missing = data.earlier_dates.filter(d => !text.includes(d));
        if (missing.length) {
            throw new Error(`the certificate lacks the tests of ${missing.join(', ')}`);
        }
        j.log(`certificate tests: ${lines.filter(l => /\d{4}-\d{2}-\d{2}/.test(l))
            .map(l => l.trim().replace(/\s+/g, ' ')).join(' | ')}`);
    });
});
