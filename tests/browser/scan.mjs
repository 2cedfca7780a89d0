// Scan of the Chinese screens for English left untranslated (issue 16): as
// admin on the demo database, open every entry of the quarantine menu
// (隔离管理, the three modules' menus) and the first level of the parties,
// products, stock and purchases menus: its list, each tab of the list, the
// form of its first record and each page of that form, and the dialog of a
// wizard entry; lib.mjs's scanEnglish() reads every visible text of each
// and the journey fails naming the English found (a word of Latin letters
// that is no code, unit, address or name).  Run by tests/test_browser.py
// (see lib.mjs for the environment).
import { Journey, settings } from './lib.mjs';

const journey = new Journey('scan', settings());

// The entries under the quarantine menu (隔离管理: quarantine.menu_quarantine,
// where the three modules put theirs), and the first level of Tryton's own
// menus the roles work in (parties, products, stock, purchases), with their
// path in the menu and their action's type.
const ROOT = '隔离管理';
const UPSTREAM_ROOTS = ['参与者', '产品', '库存 ＆ 盘点', '采购'];

async function menuEntries(j, rootName, depth = 99) {
    return j.page.evaluate(async ([rootName, depth]) => {
        const session = Sao.Session.current_session;
        const call = (method, params) => Sao.rpc(
            { method, params: [...params, session.context] }, session,
            true, false);
        const roots = await call('model.ir.ui.menu.search_read', [
            [['parent', '=', null]], 0, null, null, ['name']]);
        const root = roots.find(m => m.name === rootName);
        if (!root) {
            return [];
        }
        const menus = await call('model.ir.ui.menu.search_read', [
            [['parent', 'child_of', [root.id]]], 0, null, null,
            ['complete_name', 'action']]);
        menus.sort((a, b) => a.complete_name.localeCompare(b.complete_name));
        return menus.filter(m => m.action).map(m => ({
            id: m.id,
            path: m.complete_name.split(' / '),
            type: m.action.split(',')[0],
        })).filter(m => m.path.length <= depth);
    }, [rootName, depth]);
}

async function closeTabs(j) {
    await j.page.evaluate(() => Sao.Tab.tabs.close(false));
    await j.until(async () => !(await j.page.locator('#tablist li').count()),
        'the tabs closed');
    await j.idle();
}

// Scan the form of the current tab and each of its pages.
async function scanForm(j, where) {
    await j.scanEnglish(`${where} (form)`);
    const pages = j.tab.locator('.form .nav-tabs > li > a').filter({ visible: true });
    const count = await pages.count();
    for (let i = 1; i < count; i++) {
        const page = pages.nth(i);
        const name = (await page.innerText()).trim();
        await page.click();
        await j.idle();
        await j.scanEnglish(`${where} (form, page ${name})`);
    }
}

async function scanWindow(j, menu, where) {
    await j.idle();
    const screen = await j.screen();
    if (!screen) {
        // A dashboard: panels, no screen of its own
        await j.until(async () => !(await j.tab.locator('.tab-board, .board')
            .count()) || j.tab.locator('.treeview').first().isVisible(),
            `the panels of ${where}`).catch(() => {});
        await j.idle();
        await j.scanEnglish(`${where} (dashboard)`);
        return;
    }
    if (screen.view !== 'tree') {
        if (screen.view === 'form') {
            await scanForm(j, where);
        } else {
            await j.scanEnglish(`${where} (${screen.view})`);
        }
        return;
    }
    await j.scanEnglish(`${where} (list)`);
    const domains = j.tab.locator('.tab-domain .nav-tabs a').filter({ visible: true });
    const tabs = await domains.count();
    for (let i = 1; i < tabs; i++) {
        const tab = domains.nth(i);
        const name = (await tab.innerText()).trim();
        await tab.click();
        await j.idle();
        await j.scanEnglish(`${where} (list, tab ${name})`);
    }
    if (tabs > 1) {
        await domains.first().click();
        await j.idle();
    }
    const rows = j.rows();
    if (!(await rows.count())) {
        return;
    }
    const cell = rows.first().locator('td:not(.selection-state)').nth(1);
    if (!(await cell.isVisible())) {
        return;
    }
    await cell.dblclick();
    const opened = await j.until(async () => {
        const s = await j.screen();
        return s && s.view === 'form' ? s : null;
    }, `the first record of ${where}`, 10000).catch(() => null);
    if (opened) {
        await j.idle();
        await scanForm(j, where);
    } else {
        j.log(`${where}: the list opens no form`);
    }
}

await journey.run(async (j) => {
    await j.login();
    await j.scanEnglish('home');
    const menus = await j.step('list the quarantine menu entries', async () => {
        const menus = await menuEntries(j, ROOT);
        if (!menus.length) {
            throw new Error('no entry under the quarantine menu');
        }
        for (const root of UPSTREAM_ROOTS) {
            menus.push(...await menuEntries(j, root, 2));
        }
        j.log(`${menus.length} entries: ${menus.map(m => m.path.join(' > ')).join(' | ')}`);
        return menus;
    });
    for (const menu of menus) {
        const where = menu.path.join(' > ');
        if (menu.type === 'ir.action.report' || menu.type === 'ir.action.url') {
            j.log(`${where}: ${menu.type}, not a screen`);
            continue;
        }
        await j.step(`scan ${where}`, async () => {
            await j.menuEntry(menu.path);
            const tabs = await j.page.locator('#tablist li').count();
            const shown = async () => {
                if (await j.page.locator('.wizard-dialog.in').count()) {
                    return 'dialog';
                }
                if ((await j.page.locator('#tablist li').count()) > tabs) {
                    return 'tab';
                }
                return null;
            };
            // What a click on the entry runs (Sao.main_menu_row_activate):
            // a click on the entry after tabs closed is sometimes ignored.
            await j.page.evaluate((id) => Sao.Action.exec_keyword('tree_open', {
                model: 'ir.ui.menu', id,
            }, null, false), menu.id);
            const kind = await j.until(shown, `the screen of ${where}`);
            await j.idle();
            if (kind === 'dialog') {
                const dialog = j.page.locator('.wizard-dialog.in').last();
                await j.visible(dialog.locator('.modal-footer button'),
                    `the buttons of ${where}`);
                await j.idle();
                await j.scanEnglish(`${where} (wizard)`);
                await dialog.locator('.modal-footer button.btn-link').first().click();
                await j.until(async () => !(await j.page.locator('.wizard-dialog.in').count()),
                    `the wizard of ${where} closed`);
            } else if (menu.type === 'ir.action.wizard') {
                await j.scanEnglish(`${where} (wizard)`);
            } else {
                await scanWindow(j, menu, where);
            }
            await closeTabs(j);
        });
    }
});
