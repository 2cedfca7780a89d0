// Headless-Chromium check of the Tryton web client (sao 8.0):
// log in, wait for the menu, open the quarantine site list, check it shows rows.
//
// Run by tests/test_browser.py; can also be run by hand against a running
// trytond (see the env vars below), e.g.
//   BASE_URL=http://127.0.0.1:8000/ DB_NAME=quarantine LOGIN=admin \
//   PASSWORD=... ARTIFACTS=test-artifacts/browser node tests/browser/site_list.mjs
//
// Environment:
//   BASE_URL     trytond web root, e.g. http://127.0.0.1:8000/   (required)
//   DB_NAME      database name                                   (required)
//   LOGIN        user name                                       (required)
//   PASSWORD     password                                        (required)
//   ARTIFACTS    directory for screenshots                       (required)
//   MODEL        model of the list to open (default quarantine.site)
//   MENU_PATH    menu entries to click, separated by '/', e.g. 隔离管理/隔离点;
//                empty: open the list through the URL fragment #<db>/model/<MODEL>
//   EXPECT_TEXT  text that must be visible in the list (optional)
//   STEP_TIMEOUT_MS  timeout of each step (default 30000)
//   CHROMIUM     browser executable (default /usr/bin/chromium)
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`site_list: environment variable ${name} is required`);
        process.exit(2);
    }
    return value;
}

const BASE_URL = required('BASE_URL');
const DB_NAME = required('DB_NAME');
const LOGIN = required('LOGIN');
const PASSWORD = required('PASSWORD');
const ARTIFACTS = path.resolve(required('ARTIFACTS'));
const MODEL = process.env.MODEL || 'quarantine.site';
const MENU_PATH = (process.env.MENU_PATH || '').split('/').map(s => s.trim()).filter(Boolean);
const EXPECT_TEXT = process.env.EXPECT_TEXT || '';
const STEP_TIMEOUT = Number(process.env.STEP_TIMEOUT_MS || 30000);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

fs.mkdirSync(ARTIFACTS, { recursive: true });
const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

// sao selectors (checked against sao 8.0.11, src/session.js, src/sao.js,
// src/wizard.js, src/view/tree.js):
const SEL = {
    loginDialog: '.login-dialog',
    // One database: a read-only <input id=database>; several: a <select id=database>.
    dbSelect: '.login-dialog select#database',
    dbInput: '.login-dialog input#database',
    login: '.login-dialog input#login',
    loginSubmit: '.login-dialog button[type=submit]',
    // The password is asked for in a second dialog (Sao.common.AskDialog).
    password: '.ask-dialog input[type=password]',
    passwordOk: '.ask-dialog .modal-footer button.btn-primary',
    // Main menu: a tree view of ir.ui.menu inside #menu.
    menuRow: '#menu table tbody tr',
    // Login actions (e.g. the "Module Configuration" wizard of a new database)
    // open as wizard tabs; the end-state ("Cancel") button is a btn-link.
    wizardCancel: '#tabcontent .tab-wizard .wizard-form .modal-footer button.btn-link',
    // The active tab and its list view.
    activeTab: '#tabcontent > .tab-pane.active',
    listRow: '#tabcontent > .tab-pane.active .treeview table.tree > tbody > tr:not(.more-row)',
    errorDialog: '.error-dialog, .warning-dialog, .user-warning-dialog, .message-dialog',
};

let browser;
let page;
// Uncaught JavaScript errors in sao (e.g. a view sao cannot render) fail the run.
const pageErrors = [];

async function step(name, fn) {
    log(`${name} ...`);
    const start = Date.now();
    const result = await fn();
    log(`${name}: ok (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    return result;
}

async function shot(name) {
    const file = path.join(ARTIFACTS, name);
    await page.screenshot({ path: file, fullPage: false });
    log(`screenshot ${file}`);
}

// Fail early with the server's message when sao shows an error dialog,
// or when sao hit an uncaught JavaScript error.
async function checkErrorDialog() {
    if (pageErrors.length) {
        throw new Error(`JavaScript error in sao: ${pageErrors.join('; ')}`);
    }
    const dialog = page.locator(SEL.errorDialog).filter({ visible: true });
    if (await dialog.count()) {
        const text = (await dialog.first().innerText()).replace(/\s+/g, ' ').trim();
        throw new Error(`sao shows an error dialog: ${text}`);
    }
}

async function waitFor(locator, what) {
    const deadline = Date.now() + STEP_TIMEOUT;
    for (;;) {
        await checkErrorDialog();
        if (await locator.first().isVisible()) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${STEP_TIMEOUT / 1000}s waiting for ${what}`);
        }
        await page.waitForTimeout(200);
    }
}

async function main() {
    browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        timeout: STEP_TIMEOUT,
    });
    const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'zh-CN',
    });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
    page.on('pageerror', (err) => {
        log(`page error: ${err.stack || err.message}`);
        pageErrors.push(err.message);
    });
    page.on('response', (resp) => {
        // /custom.css and /custom.js are optional and answer 405 when absent.
        if (resp.status() >= 400 && !/\/custom\.(css|js)$/.test(resp.url())) {
            log(`HTTP ${resp.status()} ${resp.request().method()} ${resp.url()}`);
        }
    });

    await step('open login page', async () => {
        await page.goto(BASE_URL, { waitUntil: 'load' });
        await waitFor(page.locator(SEL.login), 'the login dialog');
        // The database field is filled by an RPC (common.db.list).
        const dbSelect = page.locator(SEL.dbSelect);
        const dbInput = page.locator(SEL.dbInput);
        await waitFor(page.locator(`${SEL.dbSelect}, ${SEL.dbInput}`).filter({ visible: true }),
            'the database field');
        if (await dbSelect.isVisible()) {
            await dbSelect.selectOption(DB_NAME);
        } else if (await dbInput.isEditable()) {
            await dbInput.fill(DB_NAME);
        } else if ((await dbInput.inputValue()) !== DB_NAME) {
            throw new Error(`server offers database "${await dbInput.inputValue()}", not "${DB_NAME}"`);
        }
        await page.locator(SEL.login).fill(LOGIN);
        // Let Bootstrap's 0.3 s fade-in finish so the screenshot is sharp.
        await page.locator(`${SEL.loginDialog}.in`).waitFor({ state: 'visible' });
        await page.waitForTimeout(400);
        await shot('01-login.png');
    });

    await step('log in', async () => {
        await page.locator(SEL.loginSubmit).click();
        await waitFor(page.locator(SEL.password), 'the password dialog');
        await page.locator(SEL.password).fill(PASSWORD);
        await page.locator(SEL.passwordOk).click();
        await page.locator(SEL.password).waitFor({ state: 'hidden' });
        // A wrong password makes sao ask again instead of closing the login dialog.
        const deadline = Date.now() + STEP_TIMEOUT;
        while (await page.locator(SEL.loginDialog).count()) {
            await checkErrorDialog();
            if (await page.locator(SEL.password).isVisible()) {
                throw new Error(`the server refused the login "${LOGIN}" with this password`);
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out after ${STEP_TIMEOUT / 1000}s waiting for the login to complete`);
            }
            await page.waitForTimeout(200);
        }
    });

    await step('wait for the menu', async () => {
        // Login actions (wizards) run before sao builds the menu: end them.
        const deadline = Date.now() + STEP_TIMEOUT;
        for (;;) {
            await checkErrorDialog();
            if (await page.locator(SEL.menuRow).first().isVisible()) {
                break;
            }
            const cancel = page.locator(SEL.wizardCancel).filter({ visible: true });
            if (await cancel.count()) {
                const title = await page.locator(`${SEL.activeTab} .model-title`).first()
                    .innerText().catch(() => '?');
                log(`closing login wizard "${title}"`);
                // sao ignores a click while the wizard is still loading its
                // view (Sao.Wizard.process returns early): retry until this
                // button goes.  Wait for this button, not for the selector to
                // match nothing, as several login wizards may follow each other.
                const button = await cancel.first().elementHandle();
                await button.click();
                await button.waitForElementState('hidden', { timeout: 1500 }).catch(() => {});
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out after ${STEP_TIMEOUT / 1000}s waiting for the menu`);
            }
            await page.waitForTimeout(250);
        }
        const entries = (await page.locator(SEL.menuRow).allInnerTexts())
            .map(s => s.trim()).filter(Boolean);
        log(`menu: ${entries.join(' | ')}`);
        await shot('02-home.png');
    });

    await step(`open the ${MODEL} list`, async () => {
        if (MENU_PATH.length) {
            // Each entry is looked for among the rows below its parent's row,
            // so a child named like its parent (Users > Users) is found.
            let rows = page.locator(SEL.menuRow);
            let parentRow = null;
            for (const [i, entry] of MENU_PATH.entries()) {
                const row = rows.filter({
                    has: page.getByText(entry, { exact: true }),
                }).first();
                if (i > 0 && !(await row.isVisible())) {
                    // Unfold the parent with its expander.
                    await parentRow.locator('.expander').first().click();
                }
                await waitFor(row, `menu entry "${MENU_PATH.slice(0, i + 1).join(' > ')}"`);
                if (i === MENU_PATH.length - 1) {
                    // Leaf entry: double-click runs its action (a single click only selects).
                    await row.getByText(entry, { exact: true }).dblclick();
                }
                parentRow = row;
                rows = row.locator('xpath=following-sibling::tr');
            }
        } else {
            await page.evaluate(([db, model]) => {
                window.location.hash = `${db}/model/${model}`;
            }, [DB_NAME, MODEL]);
        }
        await waitFor(page.locator(SEL.listRow), `at least one row in the ${MODEL} list`);
        const current = await page.evaluate(() => {
            const tab = window.Sao && Sao.Tab.tabs.get_current();
            const screen = tab && tab.screen;
            return screen ? [screen.model_name, screen.current_view.view_type] : [null, null];
        });
        if (current[0] !== MODEL || current[1] !== 'tree') {
            throw new Error(`the active tab shows ${current[0]} (${current[1]}), not the ${MODEL} list`);
        }
        const rows = await page.locator(SEL.listRow).count();
        const title = await page.locator('#tablist li.active').first().innerText().catch(() => '?');
        log(`list tab "${title.replace(/[×\s]+/g, ' ').trim()}" shows ${rows} row(s)`);
        if (EXPECT_TEXT) {
            const cell = page.locator(SEL.listRow).getByText(EXPECT_TEXT, { exact: false });
            await waitFor(cell, `"${EXPECT_TEXT}" in the list`);
            log(`found "${EXPECT_TEXT}" in the list`);
        }
        await shot('03-site-list.png');
    });
}

let code = 0;
try {
    await main();
    log('PASS');
} catch (err) {
    code = 1;
    console.error(`site_list: FAILED: ${err && err.stack ? err.stack : err}`);
    if (page) {
        const menu = await page.locator(SEL.menuRow).allInnerTexts().catch(() => []);
        if (menu.length) {
            console.error(`site_list: visible menu entries: ${menu.map(s => s.trim()).filter(Boolean).join(' | ')}`);
        }
        const file = path.join(ARTIFACTS, 'failure.png');
        try {
            await page.screenshot({ path: file });
            console.error(`site_list: failure screenshot: ${file}`);
        } catch (shotErr) {
            console.error(`site_list: could not save ${file}: ${shotErr}`);
        }
    }
} finally {
    if (browser) {
        await browser.close().catch(() => {});
    }
}
process.exit(code);
