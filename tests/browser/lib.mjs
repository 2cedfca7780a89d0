// Shared driver of the Tryton web client (sao 8.0) for the browser journeys
// of tests/test_browser.py: headless Chromium through playwright-core.
//
// Every wait is on a state of sao (its DOM, its records through the global
// `Sao`, the RPCs it has in flight), never a fixed sleep; polling ticks are
// 100 ms.  A failing step saves `failure.png` in the journey's artifacts
// and prints its path.
//
// sao selectors (checked against sao 8.0.11: src/session.js, src/sao.js,
// src/tab.js, src/screen.js, src/wizard.js, src/view/form.js,
// src/view/tree.js, src/common.js):
//   * tabs: `#tabcontent > .tab-pane.active`; its toolbar buttons
//     `button#action` (wizards), `button#print` (reports), `button#save`,
//     `button#new_`, each dropdown a `ul[aria-labelledby=<id>]` of
//     `a[role=menuitem]` named by the translated action;
//   * form widgets: the input, select or textarea `[name=<field>]`; form
//     buttons `button[name=<method>]` showing the translated string;
//   * lists: `.treeview table.tree`, the select-all checkbox in
//     `thead th.selection-state`, rows `tbody > tr` (not `.more-row`);
//     the action's domain tabs `.tab-domain .nav-tabs a`; the search entry
//     `.filter-box input.form-control`;
//   * wizards: a modal `.wizard-dialog` (or a tab `.tab-wizard
//     .wizard-form`), their buttons in `.modal-footer` by translated text;
//   * dialogs: `.confirmation-dialog` (button confirm), `.user-warning-dialog`
//     (UserWarning: No / Yes), `.error-dialog`, `.warning-dialog`,
//     `.message-dialog`; a download is a dialog with an `a[download]` that
//     sao clicks itself;
//   * many2one completion: `.dropdown-completion li.completion`;
//   * the menu (`#menu`) runs an entry's action on a single click.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const SEL = {
    loginDialog: '.login-dialog',
    // One database: a read-only <input id=database>; several: a <select>.
    dbSelect: '.login-dialog select#database',
    dbInput: '.login-dialog input#database',
    login: '.login-dialog input#login',
    loginSubmit: '.login-dialog button[type=submit]',
    // The password is asked for in a second dialog (Sao.common.AskDialog).
    password: '.ask-dialog input[type=password]',
    passwordOk: '.ask-dialog .modal-footer button.btn-primary',
    menuRow: '#menu table tbody tr',
    // Login actions (e.g. "Module Configuration" of a new database) open
    // as wizard tabs; their end-state ("Cancel") button is a btn-link.
    wizardCancel: '#tabcontent .tab-wizard .wizard-form .modal-footer button.btn-link',
    activeTab: '#tabcontent > .tab-pane.active',
    errorDialog: '.error-dialog, .warning-dialog, .message-dialog',
    userWarning: '.user-warning-dialog',
    confirmDialog: '.confirmation-dialog',
    wizardDialog: '.wizard-dialog',
};

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`environment variable ${name} is required`);
        process.exit(2);
    }
    return value;
}

// The journey's settings from the environment (see tests/test_browser.py).
export function settings() {
    return {
        baseUrl: required('BASE_URL'),
        db: required('DB_NAME'),
        user: required('LOGIN'),
        password: required('PASSWORD'),
        artifacts: path.resolve(required('ARTIFACTS')),
        data: process.env.DATA_FILE
            ? JSON.parse(fs.readFileSync(process.env.DATA_FILE, 'utf-8'))
            : {},
        stepTimeout: Number(process.env.STEP_TIMEOUT_MS || 30000),
        chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    };
}

const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
const squash = (text) => (text || '').replace(/\s+/g, ' ').trim();

// Latin-script text allowed in the Chinese screens (issue 16): codes and
// abbreviations, in capitals and digits (PDF, XLSX, ID, QR, BT01, a plate
// 京A12345, an identity number ending in X); units in lower case; e-mail
// addresses and web addresses; keys as sao names them (<Del>); the
// placeholders of a format ({floor}), the extension of a file (.xlsx), the
// path of an address (/quarantine/verify), codes in snake_case
// (centralized_14) and the technical names the access log records
// (quarantine.stay.release_certificate), typed as they are; and the names
// below (the client's, a program's).  Any other word of two
// Latin letters or more with a lower-case letter is English left
// untranslated.
const LATIN_UNITS = new Set(['kg', 'km', 'mg', 'ml', 'cm', 'mm', 'min']);
const LATIN_NAMES = new Set(['Tryton', 'Excel']);

export function englishWords(text) {
    const words = (text || '')
        .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ')
        .replace(/\bhttps?:\/\/\S+/g, ' ')
        .replace(/<[A-Za-z0-9+-]+>/g, ' ')
        .replace(/\{[a-z_]+\}/g, ' ')
        .replace(/(\/[\w.-]+)+/g, ' ')
        .replace(/\b[a-z0-9_]+(\.[a-z0-9_]+)+\b/g, ' ')
        .replace(/\b[a-z0-9]+(_[a-z0-9]+)+\b/g, ' ')
        .replace(/(^|[^A-Za-z])\.(xlsx|csv|pdf|odt)\b/g, ' ')
        .match(/[A-Za-z]+/g) || [];
    return words.filter(w => w.length >= 2 && /[a-z]/.test(w)
        && !LATIN_UNITS.has(w) && !LATIN_NAMES.has(w));
}

export class Journey {
    constructor(name, options) {
        Object.assign(this, options);
        this.name = name;
        this.t0 = Date.now();
        this.currentStep = null;
        this.pageErrors = [];
        this.inflight = new Set();
        this.expectWarning = false;
        // Application defects met on the way: the journey goes on where a
        // user could (e.g. answering No to a needless prompt) and fails at
        // its end, naming each of them.
        this.defects = [];
        // English met by scanEnglish(): "screen: text" (issue 16).
        this.english = [];
        fs.mkdirSync(this.artifacts, { recursive: true });
    }

    log(msg) {
        console.log(`[${((Date.now() - this.t0) / 1000).toFixed(1)}s] ${msg}`);
    }

    get tab() {
        return this.page.locator(SEL.activeTab);
    }

    async start() {
        this.browser = await chromium.launch({
            executablePath: this.chromium,
            args: ['--headless', '--no-sandbox', '--disable-gpu',
                '--disable-background-networking'],
            timeout: this.stepTimeout,
        });
        this.context = await this.browser.newContext({
            viewport: { width: 1600, height: 1000 },
            locale: 'zh-CN',
            acceptDownloads: true,
        });
        const page = this.page = await this.context.newPage();
        page.setDefaultTimeout(this.stepTimeout);
        page.setDefaultNavigationTimeout(this.stepTimeout);
        page.on('pageerror', (err) => {
            this.log(`page error: ${err.stack || err.message}`);
            this.pageErrors.push(err.message);
        });
        // An error thrown in a callback of a jQuery Deferred (sao draws a
        // list's rows in one) is no page error: jQuery catches it and only
        // warns; the list then stays half drawn (rows left blank).
        page.on('console', (msg) => {
            if (msg.type() === 'warning'
                    && msg.text().startsWith('jQuery.Deferred exception')) {
                this.log(`page error (in a jQuery Deferred): ${msg.text()}`);
                this.pageErrors.push(msg.text());
            }
        });
        // The RPCs sao has in flight: /<db>/rpc/ and /<db>/session/...
        // (DEBUG_RPC=<text> logs the requests whose body holds <text>.)
        const isRpc = (req) => req.method() === 'POST'
            && /\/(rpc|session)\//.test(new URL(req.url()).pathname);
        page.on('request', (req) => {
            if (isRpc(req)) {
                if (process.env.DEBUG_RPC && (req.postData() || '').includes(process.env.DEBUG_RPC)) {
                    this.log(`DEBUG rpc ${req.postData().slice(0, 800)}`);
                }
                this.inflight.add(req);
            }
        });
        const done = (req) => this.inflight.delete(req);
        page.on('requestfinished', done);
        page.on('requestfailed', done);
        page.on('response', (resp) => {
            // /custom.css and /custom.js are optional and answer 405.
            if (resp.status() >= 400
                    && !/\/custom\.(css|js)$/.test(resp.url())) {
                this.log(`HTTP ${resp.status()} ${resp.request().method()} ${resp.url()}`);
            }
        });
    }

    async step(name, fn) {
        this.currentStep = name;
        this.log(`${name} ...`);
        const start = Date.now();
        const result = await fn();
        await this.checkDialogs();
        this.log(`${name}: ok (${((Date.now() - start) / 1000).toFixed(1)}s)`);
        this.currentStep = null;
        return result;
    }

    async shot(name) {
        const file = path.join(this.artifacts, name);
        await this.page.screenshot({ path: file, fullPage: false });
        this.log(`screenshot ${file}`);
        return file;
    }

    // A picture for the README (docs/screenshots): saved only when the
    // environment names its folder (SCREENSHOTS=docs/screenshots, see
    // scripts/screenshots.sh, which scales it to 1280x800).
    async docShot(name) {
        const folder = process.env.SCREENSHOTS;
        if (!folder) {
            return null;
        }
        fs.mkdirSync(folder, { recursive: true });
        const file = path.resolve(folder, name);
        await this.idle();
        // The tab's content from its left edge (a focused field may have
        // scrolled a wide form sideways).
        await this.page.evaluate(() => new Promise((resolve) => {
            for (const el of document.querySelectorAll('#tabcontent, #tabcontent *')) {
                if (el.scrollLeft) {
                    el.scrollLeft = 0;
                }
            }
            requestAnimationFrame(() => requestAnimationFrame(resolve));
        }));
        // Without the passing "Record saved." of the last action.
        await this.page.screenshot({ path: file, fullPage: false,
            style: '.infobar .alert-info { display: none !important; }' });
        this.log(`README screenshot ${file}`);
        return file;
    }

    async defect(message) {
        this.defects.push(message);
        console.error(`${this.name}: DEFECT: ${message}`);
        await this.shot(`defect-${this.defects.length}.png`);
    }

    // Fail with the server's message when sao shows an error dialog, or
    // when sao hit an uncaught JavaScript error.
    async checkDialogs() {
        if (this.pageErrors.length) {
            throw new Error(`JavaScript error in sao: ${this.pageErrors.join('; ')}`);
        }
        const selector = this.expectWarning
            ? SEL.errorDialog : `${SEL.errorDialog}, ${SEL.userWarning}`;
        const dialog = this.page.locator(selector).filter({ visible: true });
        if (await dialog.count()) {
            const text = squash(await dialog.first().innerText());
            throw new Error(`sao shows a dialog: ${text}`);
        }
    }

    // Poll `predicate` (async, returns a truthy value when done) until it
    // holds, failing early on an error dialog.
    async until(predicate, what, timeout = this.stepTimeout) {
        const deadline = Date.now() + timeout;
        for (;;) {
            await this.checkDialogs();
            const value = await predicate();
            if (value) {
                return value;
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}`);
            }
            await sleep(100);
        }
    }

    async visible(locator, what, timeout) {
        await this.until(() => locator.first().isVisible(), what, timeout);
        return locator.first();
    }

    // No RPC in flight for two ticks in a row, and the page's queued tasks
    // run.  sao mirrors the current tab in the URL and opens the URL's
    // model in a new tab when a `hashchange` finds no tab showing it: a
    // search typed before the hashchange of the previous one (a domain
    // tab) is handled would open a duplicate tab.
    async idle(what = 'the server to answer') {
        let quiet = 0;
        await this.until(async () => {
            quiet = this.inflight.size ? 0 : quiet + 1;
            if (quiet >= 2) {
                await this.page.evaluate(
                    () => new Promise(resolve => setTimeout(resolve, 0)));
                quiet = this.inflight.size ? 0 : quiet;
            }
            return quiet >= 2;
        }, what);
    }

    // --- sao's own state -------------------------------------------------

    // The model, view type and record of the current tab's screen.
    async screen() {
        return this.page.evaluate(() => {
            const tab = window.Sao && Sao.Tab.tabs.get_current();
            const screen = tab && tab.screen;
            if (!screen || !screen.current_view) {
                return null;
            }
            const record = screen.current_record;
            return {
                model: screen.model_name,
                view: screen.current_view.view_type,
                id: record ? record.id : null,
                modified: record ? record.modified : false,
                count: screen.group ? screen.group.length : 0,
                selected: screen.selected_records.length,
            };
        });
    }

    async waitScreen(model, view, what) {
        return this.until(async () => {
            const s = await this.screen();
            return s && s.model === model && s.view === view
                && await this.tab.isVisible() ? s : null;
        }, what || `the ${model} ${view} view`);
    }

    // The value sao holds for a field of the current record: `raw` the
    // stored value (id of a many2one, key of a selection), else its text.
    async value(name, raw = true) {
        return this.page.evaluate(([name, raw]) => {
            const tab = Sao.Tab.tabs.get_current();
            const record = tab && tab.screen && tab.screen.current_record;
            if (!record || !(name in record.model.fields)) {
                return undefined;
            }
            return raw ? record.field_get(name)
                : record.field_get_client(name);
        }, [name, raw]);
    }

    // How many records a one2many or many2many of the current record holds.
    async count(name) {
        return this.page.evaluate((name) => {
            const record = Sao.Tab.tabs.get_current().screen.current_record;
            const group = record && record._values[name];
            return group ? group.length : 0;
        }, name);
    }

    // Wait until the current record's `name` is `expected` (after a
    // button, a save or a reload).
    async waitValue(name, expected, what) {
        await this.idle();
        return this.until(async () => {
            const value = await this.value(name);
            return value === expected ? { value } : null;
        }, what || `${name} = ${JSON.stringify(expected)}`);
    }

    // The values of a field on the records listed in the current tab.
    async listValues(name, raw = true) {
        return this.page.evaluate(([name, raw]) => {
            const screen = Sao.Tab.tabs.get_current().screen;
            return screen.group.map(r => raw ? r.field_get(name)
                : r.field_get_client(name));
        }, [name, raw]);
    }

    // --- untranslated English -------------------------------------------

    // Collect the texts a user reads on the current screen: the menu, the
    // tab titles, and in the active tab and the open dialogs every visible
    // text (labels, pages, buttons, list headers and cells, the options of
    // selections) and the titles and placeholders of the widgets; record
    // each holding an English word (see englishWords) under `where`.
    // Returns the English found on this screen.
    async scanEnglish(where) {
        await this.idle();
        const texts = await this.page.evaluate(() => {
            const roots = [document.querySelector('#menu'),
                document.querySelector('#tablist'),
                document.querySelector('#tabcontent > .tab-pane.active'),
                ...document.querySelectorAll('.modal.in')].filter(Boolean);
            const seen = new Set();
            const visible = (el) => el && el.checkVisibility
                && el.checkVisibility({ visibilityProperty: true });
            const add = (text) => {
                text = (text || '').replace(/\s+/g, ' ').trim();
                if (text) {
                    seen.add(text);
                }
            };
            for (const root of roots) {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const parent = node.parentElement;
                    if (parent.closest('script, style')) {
                        continue;
                    }
                    // An <option> is drawn by its <select>.
                    const shown = parent.closest('select') || parent;
                    if (visible(shown)) {
                        add(node.textContent);
                    }
                }
                for (const el of root.querySelectorAll('[title], [placeholder]')) {
                    if (visible(el)) {
                        add(el.getAttribute('title'));
                        add(el.getAttribute('placeholder'));
                    }
                }
            }
            return [...seen];
        });
        const found = texts.filter(t => englishWords(t).length);
        for (const text of found) {
            this.english.push(`${where}: "${text}"`);
        }
        this.log(`scan ${where}: ${texts.length} texts, `
            + `${found.length ? 'English: ' + found.map(t => JSON.stringify(t)).join(', ') : 'no English'}`);
        if (found.length) {
            await this.shot(`english-${this.english.length}.png`);
        }
        return found;
    }

    // --- login and menu --------------------------------------------------

    // Log in; `shot` names a screenshot of the filled login dialog.
    async login({ shot } = {}) {
        const page = this.page;
        await this.step(`log in as ${this.user}`, async () => {
            await page.goto(this.baseUrl, { waitUntil: 'load' });
            await this.visible(page.locator(SEL.login), 'the login dialog');
            // The database field is filled by an RPC (common.db.list).
            await this.visible(page.locator(`${SEL.dbSelect}, ${SEL.dbInput}`)
                .filter({ visible: true }), 'the database field');
            const dbSelect = page.locator(SEL.dbSelect);
            const dbInput = page.locator(SEL.dbInput);
            if (await dbSelect.isVisible()) {
                await dbSelect.selectOption(this.db);
            } else if (await dbInput.isEditable()) {
                await dbInput.fill(this.db);
            } else if ((await dbInput.inputValue()) !== this.db) {
                throw new Error(`server offers database "${await dbInput.inputValue()}", not "${this.db}"`);
            }
            await page.locator(SEL.login).fill(this.user);
            await page.locator(`${SEL.loginDialog}.in`).waitFor({ state: 'visible' });
            if (shot) {
                // Let Bootstrap's 0.3 s fade-in end for a sharp picture.
                await this.until(() => page.locator(SEL.loginDialog).evaluate(
                    el => getComputedStyle(el).opacity === '1'), 'the login dialog shown');
                await this.shot(shot);
            }
            await page.locator(SEL.loginSubmit).click();
            await this.visible(page.locator(SEL.password), 'the password dialog');
            await page.locator(SEL.password).fill(this.password);
            await page.locator(SEL.passwordOk).click();
            await page.locator(SEL.password).waitFor({ state: 'hidden' });
            // A wrong password makes sao ask again.
            await this.until(async () => {
                if (await page.locator(SEL.password).isVisible()) {
                    throw new Error(`the server refused the login "${this.user}"`);
                }
                return !(await page.locator(SEL.loginDialog).count());
            }, 'the login to complete');
        });
        await this.step('wait for the menu', async () => {
            // Login actions (wizards) run before sao builds the menu: end them.
            await this.until(async () => {
                if (await page.locator(SEL.menuRow).first().isVisible()) {
                    return true;
                }
                const cancel = page.locator(SEL.wizardCancel).filter({ visible: true });
                if (await cancel.count()) {
                    this.log('closing a login wizard');
                    this.loginWizards = (this.loginWizards || 0) + 1;
                    // sao ignores a click while the wizard loads its view:
                    // retry until this very button goes.
                    const button = await cancel.first().elementHandle();
                    await button.click();
                    await button.waitForElementState('hidden', { timeout: 1500 })
                        .catch(() => {});
                }
                return false;
            }, 'the menu');
            const language = await page.evaluate(
                () => Sao.Session.current_session.context.language);
            if (language !== 'zh_CN') {
                throw new Error(`the session language is ${language}, not zh_CN`);
            }
            const entries = (await page.locator(SEL.menuRow).allInnerTexts())
                .map(s => s.trim()).filter(Boolean);
            this.log(`menu: ${entries.join(' | ')}`);
        });
    }

    // The row of a menu entry by its translated path, unfolding its parents.
    async menuEntry(entries) {
        const page = this.page;
        let rows = page.locator(SEL.menuRow);
        let row = null;
        for (const [i, entry] of entries.entries()) {
            const next = rows.filter({
                has: page.getByText(entry, { exact: true }),
            }).first();
            if (i > 0 && !(await next.isVisible())) {
                // Unfold the parent with its expander.
                await row.locator('.expander').first().click();
            }
            await this.visible(next, `menu entry "${entries.slice(0, i + 1).join(' > ')}"`);
            row = next;
            rows = row.locator('xpath=following-sibling::tr');
        }
        return row.getByText(entries[entries.length - 1], { exact: true });
    }

    // Run a wizard of the menu; returns its dialog.
    async menuWizard(entries, title) {
        const leaf = await this.menuEntry(entries);
        await leaf.click();
        return this.wizardDialog(title);
    }

    // Open a menu entry by its translated path, e.g. ['隔离管理', '隔离点'],
    // and wait for the tab of `model` (tree view unless told).
    async openMenu(entries, model, view = 'tree') {
        const page = this.page;
        await this.step(`open ${entries.join(' > ')}`, async () => {
            const leaf = await this.menuEntry(entries);
            const label = entries[entries.length - 1];
            // A tab the journey opened from this entry before is reused.
            const open = page.locator('#tablist li a').filter({
                has: page.getByText(label, { exact: true }),
            });
            if (await open.count()) {
                await open.first().click();
                await this.waitScreen(model, view);
                await this.idle();
                return;
            }
            const tabs = await page.locator('#tablist li').count();
            const opened = async () =>
                (await page.locator('#tablist li').count()) > tabs;
            // The menu runs an entry's action on a single click (its tree
            // has no selection); a double click would open it twice.
            await leaf.click();
            try {
                await this.until(opened, 'a new tab', 10000);
            } catch (err) {
                if (this.inflight.size) {
                    await this.until(opened, 'a new tab');
                } else {
                    // Nothing asked of the server: the click was lost.
                    this.log(`clicking "${label}" again`);
                    await leaf.click();
                    await this.until(opened, 'a new tab');
                }
            }
            await this.waitScreen(model, view);
            await this.idle();
        });
    }

    // Open a board (ir.ui.view of type board) of the menu by its translated
    // path, e.g. ['隔离管理', '工作台', '全市工作台'], and wait until each of
    // its panels shows what it loaded.  sao routes no URL to a board (its
    // `#<db>/model/...` URLs need a model): the entry is clicked once the
    // menu is idle, and clicked again once when no tab came of it.
    async openBoard(entries) {
        const page = this.page;
        const label = entries[entries.length - 1];
        await this.step(`open the board ${entries.join(' > ')}`, async () => {
            const boardTab = async () => page.evaluate((label) => {
                const tab = Sao.Tab.tabs.get_current();
                return Boolean(tab instanceof Sao.Tab.Board
                    && tab.name_short === label);
            }, label);
            for (let attempt = 1; ; attempt++) {
                await this.idle('the menu to load');
                const leaf = await this.menuEntry(entries);
                // Unfolding a parent loads and redraws the rows below it.
                await this.idle('the menu to unfold');
                await leaf.click();
                try {
                    await this.until(boardTab, `the tab "${label}"`, 15000);
                    break;
                } catch (err) {
                    if (attempt >= 2 || await boardTab()) {
                        throw err;
                    }
                    this.log(`no tab "${label}" after the click: opening it again`);
                }
            }
            await this.boardLoaded(label);
        });
    }

    // Wait until every panel of the current board has its screen, its
    // records and their rows (list) or bars (graph) drawn.
    async boardLoaded(label) {
        await this.until(() => this.page.evaluate(() => {
            const board = Sao.Tab.tabs.get_current().board;
            return Boolean(board && board.actions.length && board.actions.every(
                a => a.screen && a.screen.current_view
                    && jQuery.contains(a.body[0], a.screen.screen_container.el[0])));
        }), `the panels of "${label}"`);
        // Each panel searches, then reads its records: done when no RPC is
        // in flight, every panel draws what it holds and nothing changed
        // for three ticks.
        let last = null;
        let same = 0;
        await this.until(async () => {
            await this.idle(`the panels of "${label}" to load`);
            const panels = await this.boardPanels();
            const drawn = panels.every(p => p.view === 'graph'
                ? p.labels.length === p.ids.length
                : p.rows.length === Math.min(p.ids.length, p.displaySize));
            const now = JSON.stringify(panels);
            same = drawn && now === last ? same + 1 : 0;
            last = now;
            return same >= 3;
        }, `the rows of the panels of "${label}"`);
    }

    // What each panel of the current board shows: its action (xml id), title,
    // model, view type, the ids of its records, the text of each row of a
    // list (or each x label of a graph).
    async boardPanels() {
        return this.page.evaluate(() => {
            const squash = (text) => (text || '').replace(/\s+/g, ' ').trim();
            const board = Sao.Tab.tabs.get_current().board;
            return board.actions.map((action) => {
                const el = action.el[0];
                const view = action.screen.current_view;
                const rows = [...el.querySelectorAll(
                    '.treeview table.tree > tbody > tr:not(.more-row)')];
                const labels = [...el.querySelectorAll('.bb-axis-x .tick text')]
                    .map(t => squash(t.textContent)).filter(Boolean);
                return {
                    action: action.name,
                    title: squash(action.title.text()),
                    model: action.screen.model_name,
                    view: view.view_type,
                    ids: action.screen.group.map(r => r.id),
                    // a list draws its first rows, the others on scrolling
                    displaySize: Sao.config.display_size,
                    more: Boolean(el.querySelector('tr.more-row')),
                    rows: rows.map(tr => squash(tr.innerText)),
                    labels: labels,
                };
            });
        });
    }

    // --- lists -----------------------------------------------------------

    rows() {
        return this.tab.locator('.treeview table.tree > tbody > tr:not(.more-row)');
    }

    async domainTab(label) {
        const link = this.tab.locator('.tab-domain .nav-tabs a')
            .filter({ hasText: label }).first();
        await this.visible(link, `the "${label}" tab of the list`);
        await link.click();
        await this.until(async () => (await link.locator('xpath=..')
            .getAttribute('class') || '').includes('active'), `the "${label}" tab`);
        await this.idle();
    }

    // Type a search (sao's filter syntax, e.g. `隔离点: "名称"`).  Opening a
    // row right after a search may make sao open the list in a second tab
    // (its hashchange handler compares the URL of the search with the tab's,
    // changed meanwhile by the loading of the form view): journeys open
    // rows from lists they did not search.
    async search(text) {
        const entry = this.tab.locator('.filter-box input.form-control').first();
        await entry.fill(text);
        await entry.press('Enter');
        await this.idle();
    }

    // Wait for the list to show exactly `count` rows (or at least one).
    async waitRows(count, what) {
        return this.until(async () => {
            const n = await this.rows().count();
            const s = await this.screen();
            return (count === undefined ? n > 0 : n === count && s.count === count)
                ? n || true : null;
        }, what || `${count === undefined ? 'rows' : count + ' row(s)'} in the list`);
    }

    async selectAll() {
        const box = this.tab.locator('.treeview table.tree > thead th.selection-state input[type=checkbox]').first();
        await box.check();
        const total = (await this.screen()).count;
        await this.until(async () => (await this.screen()).selected === total,
            `all ${total} rows selected`);
        return total;
    }

    // Open the row showing `text` in its form view.
    async openRow(text, model) {
        const row = this.rows().filter({ hasText: text }).first();
        await this.visible(row, `a row with "${text}"`);
        await row.locator('td:not(.selection-state)').nth(1).dblclick();
        await this.waitScreen(model, 'form');
        await this.idle();
    }

    // --- forms -----------------------------------------------------------

    // The widget of a field in the active tab's form or in `scope`.
    field(name, scope) {
        return (scope || this.tab).locator(
            `input[name="${name}"], select[name="${name}"], textarea[name="${name}"]`)
            .filter({ visible: true }).first();
    }

    async fill(name, value, scope) {
        const input = this.field(name, scope);
        await this.visible(input, `the field ${name}`);
        // A number shows in a text input and is typed into a hidden
        // <input type=number> that sao swaps in on focus: set that one.
        const number = (scope || this.tab).locator(
            `input[type=number][name="${name}"]`);
        if (await number.count()) {
            await number.first().evaluate((el, v) => {
                el.value = v;
                el.dispatchEvent(new Event('input', { bubbles: true }));
                el.dispatchEvent(new Event('change', { bubbles: true }));
            }, String(value));
        } else {
            await input.fill(String(value));
            // sao reads the widget on change (fired by the browser on blur).
            await input.dispatchEvent('change');
        }
        await this.idle();
    }

    async select(name, label, scope) {
        const select = this.field(name, scope);
        await this.visible(select, `the field ${name}`);
        await select.selectOption({ label });
        await this.idle();
    }

    // Type into a many2one and pick the completion whose text is `text`.
    async many2one(name, text, scope) {
        const input = this.field(name, scope);
        await this.visible(input, `the field ${name}`);
        const widget = input.locator('xpath=ancestor::div[contains(@class, "form-many2one")][1]');
        const item = widget.locator('.dropdown-completion li.completion')
            .filter({ hasText: text }).first();
        // sao searches 300 ms after the last keystroke; a display of the
        // record in between (e.g. after another field's change) empties
        // the entry: type again then.
        for (let attempt = 0; ; attempt++) {
            await input.fill(text);
            try {
                await this.visible(item, `"${text}" among the completions of ${name}`,
                    attempt < 2 ? 2000 : this.stepTimeout);
                break;
            } catch (err) {
                if (attempt >= 2 || (await input.inputValue()) === text) {
                    throw err;
                }
                this.log(`the ${name} entry was emptied: typing again`);
            }
        }
        await item.click();
        await this.until(async () => (await input.inputValue()) === text
            && !(await widget.locator('.dropdown-completion').isVisible()),
            `${name} set to "${text}"`);
        await this.idle();
    }

    // A new record in the current tab's form, its defaults displayed (sao
    // puts the cursor in the first field then).
    async newRecord(model) {
        await this.tab.locator('button#new_').click();
        await this.waitScreen(model, 'form');
        await this.until(() => this.tab.locator('.form').first().evaluate(
            el => el.contains(document.activeElement)), 'the cursor in the new record');
        await this.idle();
    }

    async save() {
        await this.tab.locator('button#save').click();
        await this.idle('the record to be saved');
        await this.until(async () => {
            const s = await this.screen();
            return s && s.id > 0 && !s.modified;
        }, 'the record to be saved');
    }

    // Click a form button by its method name, answering its confirmation
    // (`confirm`) or the warning the server raises (`warning`: answered
    // Yes, its text returned); returns the text the button showed.
    async button(name, { confirm = false, warning = false } = {}) {
        const button = this.tab.locator(`.form button[name="${name}"]`)
            .filter({ visible: true }).first();
        await this.visible(button, `the button ${name}`);
        await this.until(() => button.isEnabled(), `the button ${name} to be enabled`);
        const label = squash(await button.innerText());
        this.expectWarning = warning;
        try {
            await button.click();
            if (confirm) {
                const dialog = this.page.locator(`${SEL.confirmDialog}.in`);
                await this.visible(dialog, `the confirmation of "${label}"`);
                await this.modalShown(dialog, `the confirmation of "${label}"`);
                await dialog.locator('.modal-footer button.btn-primary').click();
            }
            if (warning) {
                const dialog = this.page.locator(`${SEL.userWarning}.in`);
                await this.visible(dialog, `the warning of "${label}"`);
                await this.modalShown(dialog, `the warning of "${label}"`);
                const text = squash(await dialog.locator('.modal-body').innerText());
                this.log(`warning answered Yes: ${text}`);
                await dialog.locator('.modal-footer button.btn-primary').click();
                // Bootstrap drops `.in` when the fade-out starts; sao removes
                // the dialog once it is hidden.
                await this.until(async () => !(await this.page.locator(SEL.userWarning).count()),
                    `the warning of "${label}" closed`);
            }
            await this.idle(`the button "${label}"`);
        } finally {
            this.expectWarning = false;
        }
        return label;
    }

    // --- toolbar actions, wizards, reports ---------------------------------

    async toolbarItem(menu, label) {
        await this.idle();
        await this.tab.locator(`button#${menu}`).click();
        const item = this.tab.locator(`ul[aria-labelledby="${menu}"] a[role=menuitem]`)
            .filter({ hasText: label }).first();
        await this.visible(item, `"${label}" in the ${menu} menu`);
        await item.click();
    }

    // Wait for Bootstrap's fade-in of a modal to end: its `shown` handler
    // then moves the focus to the first input, which would blur (and so
    // reset) a field typed into during the fade.
    async modalShown(dialog, what) {
        await this.until(() => dialog.evaluate((el) => {
            const box = el.querySelector('.modal-dialog');
            const transform = box ? getComputedStyle(box).transform : 'none';
            return el.classList.contains('in') && (transform === 'none'
                || transform === 'matrix(1, 0, 0, 1, 0, 0)');
        }), `${what} shown`);
        await this.idle();
    }

    // Run a wizard of the toolbar's action menu; returns its dialog.
    async wizard(label) {
        await this.toolbarItem('action', label);
        return this.wizardDialog(label);
    }

    async wizardDialog(title) {
        const dialog = this.page.locator(`${SEL.wizardDialog}.in`)
            .filter({ has: this.page.locator('.modal-header', { hasText: title }) })
            .last();
        await this.visible(dialog, `the wizard "${title}"`);
        // Its view and defaults are loaded once the default button shows,
        // and displayed once sao put the cursor in its first field.
        await this.visible(dialog.locator('.modal-footer button.btn-primary'),
            `the buttons of "${title}"`);
        await this.until(() => dialog.evaluate(
            el => el.contains(document.activeElement)), `the cursor in "${title}"`);
        await this.modalShown(dialog, `the wizard "${title}"`);
        return dialog;
    }

    // Press a wizard button by its translated text and wait for the dialog
    // to go (or to show its next state when `next` names it).
    async wizardButton(dialog, text, { next } = {}) {
        const button = dialog.locator('.modal-footer button')
            .filter({ hasText: text }).first();
        await this.visible(button, `the wizard button "${text}"`);
        await button.click();
        if (next) {
            await this.visible(dialog.locator('.modal-body').filter({ hasText: next }),
                `the wizard to show "${next}"`);
        } else {
            await this.until(async () => !(await dialog.isVisible()),
                `the wizard to end after "${text}"`);
        }
        await this.idle();
    }

    // Press a wizard button that ends in a report; returns the saved file.
    async wizardDownload(dialog, text, filename) {
        const download = this.page.waitForEvent('download', { timeout: this.stepTimeout });
        await this.wizardButton(dialog, text);
        return this.saveDownload(download, filename);
    }

    // Run a report of the toolbar's print menu and save the PDF sao
    // downloads; returns its path.
    async report(label, filename) {
        let download = null;
        let error = null;
        const waiting = this.page.waitForEvent('download', { timeout: this.stepTimeout })
            .then(d => { download = d; }, e => { error = e; });
        await this.toolbarItem('print', label);
        await this.until(async () => {
            if (download || error) {
                return true;
            }
            await this.answerSavePrompt(`printing "${label}"`);
            return false;
        }, `the download of "${label}"`);
        await waiting;
        return this.saveDownload(Promise.resolve(download || Promise.reject(error)), filename);
    }

    // sao asks "This record has been modified, do you want to save it?"
    // before an action when a widget's value differs from the record's.
    // Nothing was typed: a defect; answer No as a user would.
    async answerSavePrompt(doing) {
        const prompt = this.page.locator(`${SEL.confirmDialog}.in`)
            .filter({ hasText: '是否保存' });
        if (!(await prompt.count())) {
            return false;
        }
        const modified = await this.page.evaluate(() => {
            const screen = Sao.Tab.tabs.get_current().screen;
            const record = screen.current_record;
            const found = [];
            for (const [name, widgets] of Object.entries(screen.current_view.widgets || {})) {
                if (record.modified_fields[name]) {
                    found.push(`${name}=${JSON.stringify(record._values[name])}`);
                }
            }
            return found;
        });
        await this.defect(`sao asks to save the ${(await this.screen()).model} record before ${doing} `
            + `though nothing was typed: the form holds values the widgets cannot show `
            + `(modified fields: ${modified.join(', ') || '?'})`);
        await prompt.locator('.modal-footer button.btn-default').click();
        await prompt.waitFor({ state: 'detached' }).catch(() => {});
        return true;
    }

    async saveDownload(downloadPromise, filename) {
        let download;
        try {
            download = await downloadPromise;
        } catch (err) {
            await this.checkDialogs();
            throw err;
        }
        const file = path.join(this.artifacts, filename);
        await download.saveAs(file);
        this.log(`downloaded ${download.suggestedFilename()} -> ${file}`);
        // Close sao's download dialog.
        const dialog = this.page.locator('.modal.in').filter({
            has: this.page.locator('a[download]'),
        });
        if (await dialog.count()) {
            await dialog.first().locator('.modal-footer button').first().click();
            await dialog.first().waitFor({ state: 'detached' }).catch(() => {});
        }
        return file;
    }

    // The text of a PDF (pdftotext of poppler-utils), checked to contain
    // each of `expected`.
    pdfText(file, expected = []) {
        const head = fs.readFileSync(file).subarray(0, 5).toString('latin1');
        if (head !== '%PDF-') {
            throw new Error(`${file} is not a PDF (starts with ${JSON.stringify(head)})`);
        }
        const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'],
            { encoding: 'utf-8' });
        const missing = expected.filter(s => !text.includes(s));
        if (missing.length) {
            throw new Error(`${path.basename(file)} lacks ${missing.map(s => JSON.stringify(s)).join(', ')}; `
                + `its text: ${squash(text).slice(0, 600)}`);
        }
        return text;
    }

    // --- running -------------------------------------------------------------

    async run(main) {
        let code = 0;
        try {
            await this.start();
            await main(this);
            if (this.english.length) {
                throw new Error(`untranslated English on the screens (${this.english.length}):\n  - `
                    + this.english.join('\n  - '));
            }
            if (this.defects.length) {
                throw new Error(`the journey went through but met ${this.defects.length} `
                    + `application defect(s):\n  - ${this.defects.join('\n  - ')}`);
            }
            this.log('PASS');
        } catch (err) {
            code = 1;
            const where = this.currentStep ? ` at step "${this.currentStep}"` : '';
            console.error(`${this.name}: FAILED${where}: ${err && err.stack ? err.stack : err}`);
            if (this.page) {
                const dialogs = await this.page.locator('.modal.in').allInnerTexts()
                    .catch(() => []);
                for (const text of dialogs) {
                    console.error(`${this.name}: open dialog: ${squash(text).slice(0, 500)}`);
                }
                const file = path.join(this.artifacts, 'failure.png');
                // A dialog still fading in would be pale on the picture.
                await this.page.waitForFunction(() => [...document.querySelectorAll(
                    '.modal.in .modal-dialog')].every(d => ['none', 'matrix(1, 0, 0, 1, 0, 0)']
                    .includes(getComputedStyle(d).transform)), null, { timeout: 1500 })
                    .catch(() => {});
                try {
                    await this.page.screenshot({ path: file });
                    console.error(`${this.name}: failure screenshot: ${file}`);
                } catch (shotErr) {
                    console.error(`${this.name}: could not save ${file}: ${shotErr}`);
                }
            }
        } finally {
            if (this.browser) {
                await this.browser.close().catch(() => {});
            }
        }
        process.exit(code);
    }
}

// Back from a record's form to the list of its tab (sao's "switch view").
export async function backToList(j, model) {
    // sao's download dialog fades out over the toolbar.
    await j.until(async () => !(await j.page.locator('.modal').evaluateAll(
        els => els.some(e => getComputedStyle(e).display !== 'none'))),
        'the dialogs closed');
    // The "record saved" message covers the toolbar: close it.
    for (const close of await j.tab.locator('.infobar .alert button.close')
            .filter({ visible: true }).all()) {
        await close.click();
    }
    await j.tab.locator('button#switch_').click();
    await j.waitScreen(model, 'tree');
    await j.idle();
}
