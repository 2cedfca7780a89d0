// Headless-Chromium check of the Tryton web client (sao 8.0): log in, wait
// for the menu, open the quarantine site list, check it shows rows.
//
// Run by tests/test_browser.py; can also be run by hand against a running
// trytond (see lib.mjs for the common variables), e.g.
//   BASE_URL=http://127.0.0.1:8000/ DB_NAME=quarantine LOGIN=admin \
//   PASSWORD=... ARTIFACTS=test-artifacts/browser/site_list \
//   node tests/browser/site_list.mjs
//
// Environment (besides lib.mjs's):
//   MODEL        model of the list to open (default quarantine.site)
//   MENU_PATH    menu entries to click, separated by '/', e.g. 隔离管理/隔离点;
//                empty: open the list through the URL fragment #<db>/model/<MODEL>
//   EXPECT_TEXT  text that must be visible in the list (optional)
//   EXPECT_HOME  the title of the tab the login opens (the user's login
//                action), with no set-up wizard before it (optional)
import { Journey, settings } from './lib.mjs';

const MODEL = process.env.MODEL || 'quarantine.site';
const MENU_PATH = (process.env.MENU_PATH || '').split('/').map(s => s.trim()).filter(Boolean);
const EXPECT_TEXT = process.env.EXPECT_TEXT || '';
const EXPECT_HOME = process.env.EXPECT_HOME || '';

const journey = new Journey('site_list', settings());

await journey.run(async (j) => {
    await j.login({ shot: '01-login.png' });
    if (EXPECT_HOME) {
        await j.step(`the first screen is "${EXPECT_HOME}"`, async () => {
            if (j.loginWizards) {
                throw new Error(`${j.loginWizards} set-up wizard(s) before the menu`);
            }
            await j.visible(j.page.locator('#tablist li.active').filter({
                hasText: EXPECT_HOME }), `the tab "${EXPECT_HOME}"`);
            await j.idle();
        });
    }
    await j.shot('02-home.png');

    if (MENU_PATH.length) {
        await j.openMenu(MENU_PATH, MODEL);
    } else {
        await j.step(`open the ${MODEL} list by URL`, async () => {
            await j.page.evaluate(([db, model]) => {
                window.location.hash = `${db}/model/${model}`;
            }, [j.db, MODEL]);
            await j.waitScreen(MODEL, 'tree');
            await j.idle();
        });
    }

    await j.step(`check the ${MODEL} list`, async () => {
        const rows = await j.waitRows();
        const title = await j.page.locator('#tablist li.active').first().innerText()
            .catch(() => '?');
        j.log(`list tab "${title.replace(/[×\s]+/g, ' ').trim()}" shows ${rows} row(s)`);
        if (EXPECT_TEXT) {
            await j.visible(j.rows().getByText(EXPECT_TEXT, { exact: false }),
                `"${EXPECT_TEXT}" in the list`);
            j.log(`found "${EXPECT_TEXT}" in the list`);
        }
        await j.shot('03-site-list.png');
        await j.scanEnglish('site list');
    });
});
