// Journey of a site manager (quarantine.group_site_manager), in zh_CN:
// create a site, give it rooms with the bulk-room wizard, activate it
// (confirming the small-site warning), import a bus's arrival list (.xlsx),
// allocate the arrivals to rooms (which admits them) and print the room
// board.  Run by tests/test_browser.py (see lib.mjs for the environment).
import { Journey, settings } from './lib.mjs';

const options = settings();
const data = options.data.site_manager;
const journey = new Journey('site_manager', options);

await journey.run(async (j) => {
    const page = j.page;
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '隔离点'], 'quarantine.site');

    await j.step('create the site', async () => {
        await j.newRecord('quarantine.site');
        await j.fill('name', data.site_name);
        await j.fill('code', data.site_code);
        await j.save();
        if (await j.value('state') !== 'draft') {
            throw new Error(`a new site is ${await j.value('state')}, not draft`);
        }
        await j.shot('02-site-created.png');
        await j.scanEnglish('site form');
    });

    await j.step('create rooms with the bulk-room wizard', async () => {
        const dialog = await j.wizard('批量创建房间');
        const site = j.field('site', dialog);
        if ((await site.inputValue()) !== data.site_name) {
            throw new Error(`the wizard proposes the site "${await site.inputValue()}"`);
        }
        await j.fill('buildings', data.buildings, dialog);
        await j.fill('floor_from', data.floor_from, dialog);
        await j.fill('floor_to', data.floor_to, dialog);
        await j.fill('number_from', data.number_from, dialog);
        await j.fill('number_to', data.number_to, dialog);
        const expected = (data.floor_to - data.floor_from + 1)
            * (data.number_to - data.number_from + 1);
        const total = j.field('total', dialog);
        await j.until(async () => Number(await total.inputValue()) === expected,
            `the wizard to count ${expected} rooms`);
        await j.shot('03-room-wizard.png');
        await j.scanEnglish('room wizard');
        await j.wizardButton(dialog, '创建');
        // The wizard ends by reloading the site.
        await j.waitValue('room_count', expected, `${expected} rooms on the site`);
        await j.shot('04-rooms-created.png');
    });

    await j.step('activate the site (fewer rooms than the minimum)', async () => {
        // Activating a site of fewer than 100 rooms asks for confirmation.
        await j.button('activate', { warning: true });
        await j.waitValue('state', 'active');
        await j.shot('05-site-active.png');
    });

    await j.step('import the arrival list', async () => {
        const dialog = await j.wizard('导入到达人员名单');
        if ((await j.field('site', dialog).inputValue()) !== data.site_name) {
            throw new Error('the import does not propose the site');
        }
        // The template offered for download has the columns of the list.
        const template = page.waitForEvent('download');
        await dialog.locator('.form-binary').filter({
            has: page.locator('input[name="template"]'),
        }).locator('button').first().click();
        await j.saveDownload(template, 'arrival_list_template.xlsx');
        await dialog.locator('.form-binary').filter({
            has: page.locator('input[name="file"]'),
        }).locator('input[type=file]').setInputFiles(data.arrivals_xlsx);
        await j.until(async () => (await j.field('file', dialog).inputValue()) !== '',
            'the file to be read by sao');
        await j.shot('06-import-wizard.png');
        await j.scanEnglish('arrival import wizard');
        await j.wizardButton(dialog, '导入');
        // The wizard opens the imported residents in a new tab.
        await j.waitScreen('quarantine.stay', 'tree', 'the imported residents');
        await j.waitRows(data.arrivals.length);
        const persons = await j.listValues('person', false);
        const missing = data.arrivals.filter(n => !persons.includes(n));
        if (missing.length) {
            throw new Error(`not imported: ${missing.join(', ')} (listed: ${persons.join(', ')})`);
        }
        const states = await j.listValues('state');
        if (states.some(s => s !== 'draft')) {
            throw new Error(`imported stays are ${states.join(', ')}`);
        }
        await j.shot('07-arrivals-imported.png');
    });

    await j.step('allocate the arrivals to rooms (batch intake)', async () => {
        const count = await j.selectAll();
        const dialog = await j.wizard('批量分配房间');
        if ((await j.field('site', dialog).inputValue()) !== data.site_name) {
            throw new Error('the allocation does not propose the site');
        }
        const arrivals = Number(await j.field('stay_count', dialog).inputValue());
        const needed = Number(await j.field('room_count', dialog).inputValue());
        j.log(`allocating ${arrivals} arrivals (${count} selected) into ${needed} rooms`);
        // A child and the guardian who accompanies it share a room.
        if (arrivals !== data.arrivals.length || needed !== data.arrivals.length - 1) {
            throw new Error(`the wizard counts ${arrivals} arrivals and ${needed} rooms`);
        }
        await j.shot('08-allocate-wizard.png');
        await j.scanEnglish('allocation wizard');
        await j.wizardButton(dialog, '分配', { next: '分配结果' });
        // It ends on who went to which room, and who did not.
        const allocated = Number(await j.field('allocated_count', dialog).inputValue());
        const summary = await j.field('rooms', dialog).inputValue();
        j.log(`allocation summary: ${summary.replace(/\n/g, ' | ')}`);
        if (allocated !== data.arrivals.length
                || !data.arrivals.every(name => summary.includes(name))) {
            throw new Error(`the summary counts ${allocated} and lists "${summary}"`);
        }
        await j.shot('09-allocation-summary.png');
        await j.wizardButton(dialog, '关闭');
        // Allocating admits: closing the summary reloads the list.
        await j.until(async () => (await j.listValues('state')).every(s => s === 'admitted'),
            'every arrival admitted');
        const persons = await j.listValues('person', false);
        const rooms = await j.listValues('room', false);
        const room = Object.fromEntries(persons.map((p, i) => [p, rooms[i]]));
        j.log(`rooms: ${persons.map((p, i) => `${p} ${rooms[i]}`).join(', ')}`);
        if (!room[data.child] || room[data.child] !== room[data.guardian]) {
            throw new Error(`the child is in ${room[data.child]}, the guardian in ${room[data.guardian]}`);
        }
        await j.shot('09-arrivals-admitted.png');
        await j.docShot('site-manager.png');
        await j.scanEnglish('arrivals admitted');
    });

    await j.step('print the room board', async () => {
        // Back to the site's tab, reloaded to show the occupied rooms.
        await page.locator('#tablist li a').filter({ hasText: '隔离点' }).first().click();
        await j.waitScreen('quarantine.site', 'form');
        await j.tab.locator('button#reload').click();
        await j.waitValue('occupied_count', data.arrivals.length - 1,
            'the occupied rooms on the site');
        await j.shot('10-site-occupied.png');
        const file = await j.report('房间看板', 'room_board.pdf');
        const text = j.pdfText(file, ['房间看板', data.site_name, 'A-101', 'A-204']);
        j.log(`room board: ${text.split('\n').length} lines`);
    });
});
