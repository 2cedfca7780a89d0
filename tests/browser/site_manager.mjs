// Journey of a site manager (quarantine.group_site_manager), in zh_CN, on
// the demo city's day (scripts/load_demo.py load_day, data/demo_city/day.csv):
// the demo's site manager enters a new arrival in the 快速登记 list (name,
// identity number, phone and category in one row, as at the door: the
// birth date, sex and age come from the identity number), allocates the
// bus waiting with no site, with that arrival, to his site (the child
// shares its guardian's room, the elderly and the wheelchair user get
// accessible rooms) and prints the room board.  Run by
// tests/test_browser.py (see lib.mjs for the environment).
import { Journey, settings } from './lib.mjs';

const options = settings();
const data = options.data.site_manager;
const journey = new Journey('site_manager', options);

// The allocation summary, "floor：name room、name room（无障碍）" a line:
// {name: {room, accessible}}
function summaryRooms(summary, names) {
    const rooms = {};
    for (const line of summary.split('\n')) {
        const items = line.slice(line.indexOf('：') + 1).split('、');
        for (const item of items) {
            const name = names.find(n => item.trim().startsWith(n + ' '));
            if (name) {
                const rest = item.trim().slice(name.length).trim();
                rooms[name] = {
                    room: rest.replace('（无障碍）', '').trim(),
                    accessible: rest.includes('（无障碍）'),
                };
            }
        }
    }
    return rooms;
}

await journey.run(async (j) => {
    const page = j.page;
    const arrival = data.arrival;
    const everyone = [...data.waiting, arrival.name];
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '隔离人员', '快速登记'], 'quarantine.stay');

    await j.step('the bus waiting for allocation', async () => {
        await j.waitRows(data.waiting.length,
            `the ${data.waiting.length} arrivals of the bus`);
        const persons = await j.listValues('person_name');
        const missing = data.waiting.filter(n => !persons.includes(n));
        if (missing.length) {
            throw new Error(`not waiting: ${missing.join(', ')} (listed: ${persons.join(', ')})`);
        }
        await j.shot('02-bus-waiting.png');
        await j.scanEnglish('quick entry');
    });

    await j.step('enter a new arrival in one row', async () => {
        await j.tab.locator('button#new_').click();
        await j.idle();
        await j.fill('person_name', arrival.name);
        await j.fill('id_number', arrival.identity_number);
        await j.fill('phone', arrival.phone);
        await j.select('category', arrival.category);
        // The identity number tells the birth date, sex and age at once.
        await j.until(async () => await j.value('sex') === arrival.sex,
            `the sex read from ${arrival.identity_number}`);
        await j.shot('03-arrival-typed.png');
        await j.save();
        const row = j.rows().filter({ hasText: arrival.name }).first();
        await j.visible(row, `the row of ${arrival.name}`);
        // The row holds the sex and age read from the number (whichever
        // row sao keeps current after the save).
        let shown = [];
        await j.until(async () => {
            const names = await j.listValues('person_name');
            const sexes = await j.listValues('sex');
            const ages = await j.listValues('age');
            const i = names.indexOf(arrival.name);
            shown = i < 0 ? [] : [sexes[i], ages[i]];
            return shown[0] === arrival.sex && shown[1] === arrival.age;
        }, `${arrival.name}'s row to hold ${arrival.sex} aged ${arrival.age}`);
        j.log(`new row: ${arrival.name} ${shown.join(' ')}`);
        await j.shot('04-arrival-saved.png');
        // Its form shows the birth date, sex and age read from the number.
        await row.locator('td:not(.selection-state)').first().click();
        await j.until(async () => await j.value('person_name') === arrival.name,
            `${arrival.name}'s row current`);
        await j.tab.locator('button#switch_').dispatchEvent('click');
        await j.waitScreen('quarantine.stay', 'form');
        await j.idle();
        if (await j.value('person_name') !== arrival.name) {
            throw new Error(`the form opened on ${await j.value('person_name')}`);
        }
        const birth = await j.field('birth_date').inputValue();
        const sex = await j.field('sex').locator('option:checked').innerText();
        const age = await j.field('age').inputValue();
        j.log(`${arrival.name}: born ${birth}, ${sex}, ${age}`);
        if (birth !== arrival.birth_date || sex !== arrival.sex_label
                || age !== String(arrival.age)) {
            throw new Error(`the form shows ${birth}, ${sex}, ${age}, not `
                + `${arrival.birth_date}, ${arrival.sex_label}, ${arrival.age}`);
        }
        await j.shot('05-arrival-form.png');
        await j.tab.locator('button#switch_').dispatchEvent('click');
        await j.waitScreen('quarantine.stay', 'tree');
        await j.waitRows(everyone.length, 'the bus and the new arrival');
    });

    await j.step('allocate the bus and the new arrival to rooms', async () => {
        // The row just entered stays selected: the header's box selects
        // the others on a second click.
        const box = j.tab.locator(
            '.treeview table.tree > thead th.selection-state input[type=checkbox]').first();
        for (let i = 0; i < 3 && (await j.screen()).selected < everyone.length; i++) {
            await box.click();
            await j.idle();
        }
        const count = (await j.screen()).selected;
        if (count !== everyone.length) {
            throw new Error(`${count} of ${everyone.length} rows selected`);
        }
        const dialog = await j.wizard('批量分配房间');
        await j.many2one('site', data.site_name, dialog);
        const arrivals = Number(await j.field('stay_count', dialog).inputValue());
        const needed = Number(await j.field('room_count', dialog).inputValue());
        j.log(`allocating ${arrivals} arrivals (${count} selected) into ${needed} rooms`);
        // A child and the guardian who accompanies it share a room.
        if (arrivals !== everyone.length || needed !== data.rooms_needed) {
            throw new Error(`the wizard counts ${arrivals} arrivals and ${needed} rooms, `
                + `not ${everyone.length} and ${data.rooms_needed}`);
        }
        await j.shot('06-allocate-wizard.png');
        await j.scanEnglish('allocation wizard');
        await j.wizardButton(dialog, '分配', { next: '分配结果' });
        // It ends on who went to which room, and who did not.
        const allocated = Number(await j.field('allocated_count', dialog).inputValue());
        const summary = await j.field('rooms', dialog).inputValue();
        j.log(`allocation summary: ${summary.replace(/\n/g, ' | ')}`);
        const rooms = summaryRooms(summary, everyone);
        if (allocated !== everyone.length
                || !everyone.every(name => rooms[name])) {
            throw new Error(`the summary counts ${allocated} and lists "${summary}"`);
        }
        if (rooms[data.child].room !== rooms[data.guardian].room) {
            throw new Error(`the child ${data.child} is in ${rooms[data.child].room}, `
                + `the guardian ${data.guardian} in ${rooms[data.guardian].room}`);
        }
        for (const name of data.accessible) {
            if (!rooms[name].accessible) {
                throw new Error(`${name} is in ${rooms[name].room}, not an accessible room`);
            }
        }
        const others = everyone.filter(n => !data.accessible.includes(n)
            && n !== data.child && n !== data.guardian);
        const shared = others.filter(n => others.some(
            m => m !== n && rooms[m].room === rooms[n].room));
        if (shared.length) {
            throw new Error(`${shared.join(', ')} share a room`);
        }
        data.rooms = rooms;
        await j.shot('07-allocation-summary.png');
        await j.docShot('site-manager.png');
        await j.wizardButton(dialog, '关闭');
        // Allocating admits: the arrivals leave the list of those to enter.
        await j.waitRows(0, 'the admitted arrivals to leave 快速登记');
        await j.shot('08-arrivals-admitted.png');
    });

    await j.openMenu(['隔离管理', '隔离点'], 'quarantine.site');

    await j.step('print the room board', async () => {
        await j.openRow(data.site_name, 'quarantine.site');
        const file = await j.report('房间看板', 'room_board.pdf');
        const text = j.pdfText(file, ['房间看板', data.site_name,
            ...new Set(everyone.map(n => data.rooms[n].room))]);
        j.log(`room board: ${text.split('\n').length} lines`);
        await j.shot('09-site.png');
        await j.scanEnglish('site form');
    });
    void page;
});
