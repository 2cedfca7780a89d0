// Journey of the demo city's logistics officer (login `logistics`:
// quarantine.group_logistics with Tryton's stock and purchase groups), in
// zh_CN, on the demo's own records (scripts/load_demo.py load_supply,
// data/demo_city/suppliers.csv and norms.csv): the second site's stocking
// plan, computed and waiting, is checked (each product only from suppliers
// carrying it, no order below a supplier's minimum) and confirmed into
// purchases, processing at once; a truck of one of these suppliers is
// picked from the trucks the picker offers (that supplier's only) for a
// dispatch loading its purchase, which departs and is delivered; its
// dispatch note names where the load comes from.  Then the demo's truck on
// its way to the first site is delivered.  Run by tests/test_browser.py,
// which passes the demo's names in DEMO (see lib.mjs for the rest of the
// environment).
import { Journey, backToList, settings } from './lib.mjs';

const options = settings();
const demo = JSON.parse(process.env.DEMO);
const journey = new Journey('logistics', options);

// The records of a one2many of the current record, each field as the
// client shows it.
async function lines(j, name, fields) {
    return j.page.evaluate(([name, fields]) => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        return record._values[name].map(line => Object.fromEntries(
            fields.map(f => [f, line.field_get_client(f)])));
    }, [name, fields]);
}

// The rows a one2many of the form shows (its list's texts).
async function shownRows(j, name) {
    await j.idle();
    return j.page.evaluate((name) => {
        const screen = Sao.Tab.tabs.get_current().screen;
        const widgets = screen.current_view.widgets[name] || [];
        const el = widgets[0] && widgets[0].el && widgets[0].el[0];
        return el ? [...el.querySelectorAll(
            '.treeview table.tree > tbody > tr:not(.more-row)')]
            .map(tr => tr.innerText.replace(/\s+/g, ' ').trim()) : [];
    }, name);
}

// A notebook page of the form by its title.
async function page(j, title) {
    const tab = j.tab.locator('.form .nav-tabs a').filter({ hasText: title }).first();
    await j.visible(tab, `the page "${title}"`);
    await tab.click();
    await j.idle();
}

function quantity(text) {
    return Number(String(text).replace(/,/g, ''));
}

async function deliver(j) {
    const label = await j.button('deliver');
    await j.waitValue('state', 'delivered', `the dispatch delivered after "${label}"`);
    if (!(await j.value('delivered_at'))) {
        throw new Error('the delivery set no time');
    }
}

// Print the dispatch note of the current dispatch: its number, truck, site
// and products, and where the load comes from: 发货地 names the supplier
// (and its address), never an id.
async function dispatchNote(j, filename, number, supplier, site, plate) {
    const products = (await lines(j, 'lines', ['product'])).map(l => l.product);
    const file = await j.report('物资配送单', filename);
    const text = j.pdfText(file, [number, supplier.name, supplier.address,
        site, plate, ...products]);
    const source = text.match(/发货地[:：]?\s*(\S[^\n]*)/);
    if (!source || !source[1].includes(supplier.name)
            || /^\s*\d+\s*$/.test(source[1])) {
        throw new Error(`the dispatch note's 发货地 is ${JSON.stringify(source && source[1])}, `
            + `not ${supplier.name}`);
    }
    j.log(`发货地 ${source[1].trim()}`);
}

await journey.run(async (j) => {
    await j.login();
    await j.shot('01-home.png');

    await j.openMenu(['隔离管理', '物资保障', '储存计划'], 'quarantine.supply.plan');

    const site = demo.plan_site;
    let planLines;
    await j.step("open the second site's computed plan", async () => {
        await j.domainTab('已计算');
        await j.openRow(site, 'quarantine.supply.plan');
        if (await j.value('state') !== 'computed') {
            throw new Error(`the plan of ${site} is ${await j.value('state')}`);
        }
        j.log(`plan ${await j.value('number')}: ${await j.value('reserve_days')} days `
            + `for a population of ${await j.value('population')}`);
        await j.shot('02-plan-computed.png');
        await j.scanEnglish('stocking plan');
    });

    await j.step('check the plan lines: suppliers carrying each product, no tiny order', async () => {
        planLines = await lines(j, 'lines',
            ['product', 'supplier', 'required', 'to_order', 'unit']);
        const rows = await shownRows(j, 'lines');
        for (const l of planLines) {
            j.log(`  ${l.product}: ${l.supplier} ${l.to_order} ${l.unit} `
                + `(required ${l.required})`);
        }
        if (!planLines.length || rows.length !== planLines.length) {
            throw new Error(`the plan shows ${rows.length} row(s) of ${planLines.length} line(s)`);
        }
        const problems = [];
        for (const [i, l] of planLines.entries()) {
            const supplier = demo.suppliers[l.supplier];
            if (!rows[i].includes(l.product) || !rows[i].includes(l.supplier)) {
                problems.push(`row ${i + 1} "${rows[i]}" is not ${l.product} of ${l.supplier}`);
            }
            if (!supplier) {
                problems.push(`${l.product} from ${l.supplier}, not a supplier of the demo`);
                continue;
            }
            if (!supplier.carries.includes(l.product)) {
                problems.push(`${l.product} from ${l.supplier}, which carries only `
                    + supplier.carries.join('、'));
            }
            const minimum = demo.minimums[l.product][supplier.kind];
            if (!(quantity(l.to_order) >= minimum)) {
                problems.push(`${l.to_order} ${l.unit} of ${l.product} from ${l.supplier}, `
                    + `below its minimum order of ${minimum}`);
            }
        }
        const products = new Set(planLines.map(l => l.product));
        for (const product of Object.keys(demo.minimums)) {
            if (!products.has(product)) {
                problems.push(`no line of ${product}`);
            }
        }
        if (problems.length) {
            throw new Error(`the plan lines:\n  ${problems.join('\n  ')}`);
        }
    });

    let purchases;
    await j.step('confirm the plan into purchases', async () => {
        await j.button('confirm');
        await j.waitValue('state', 'confirmed');
        await page(j, '采购');
        purchases = await lines(j, 'purchases', ['number', 'party', 'state']);
        const rows = await shownRows(j, 'purchases');
        j.log(`${purchases.length} purchase(s): ${purchases.map(
            p => `${p.number} ${p.party} ${p.state}`).join(', ')}`);
        const suppliers = [...new Set(planLines.map(l => l.supplier))].sort();
        if (purchases.map(p => p.party).sort().join() !== suppliers.join()
                || rows.length !== purchases.length) {
            throw new Error(`confirming the plan of ${suppliers.join('、')} ordered `
                + `${rows.length} row(s): ${rows.join(' / ')}`);
        }
        // Confirmed and processed at once, shown so (处理中) in their rows.
        const open = purchases.filter(p => !['confirmed', 'processing'].includes(p.state)
            || !/^CG\d{8}-\d{4}$/.test(p.number)
            || !rows.some(r => r.includes(p.number) && /已确认|处理中/.test(r)));
        if (open.length) {
            throw new Error(`purchases not confirmed: ${JSON.stringify(open)}; `
                + `the rows: ${rows.join(' / ')}`);
        }
        await j.shot('03-plan-confirmed.png');
        await j.docShot('logistics.png');
        await j.scanEnglish('stocking plan confirmed');
    });

    // The purchase a truck takes: the largest (most lines of the plan) of
    // a supplier with trucks.
    const size = (p) => planLines.filter(l => l.supplier === p.party).length;
    const purchase = purchases.filter(p => demo.suppliers[p.party].trucks.length)
        .sort((a, b) => size(b) - size(a))[0];
    if (!purchase) {
        throw new Error(`no supplier of ${purchases.map(p => p.party).join('、')} has trucks`);
    }
    const supplier = demo.suppliers[purchase.party];
    let number, plate;

    await j.openMenu(['隔离管理', '物资保障', '物资配送'], 'quarantine.supply.dispatch');

    await j.step(`a dispatch of ${purchase.party} for the site`, async () => {
        await j.newRecord('quarantine.supply.dispatch');
        await j.many2one('site', site);
        await j.many2one('contract', purchase.party);
        await j.shot('04-dispatch-new.png');
        await j.scanEnglish('truck dispatch');
    });

    await j.step("pick one of the supplier's trucks", async () => {
        const input = j.field('vehicle');
        await j.visible(input, 'the field vehicle');
        const widget = input.locator('xpath=ancestor::div[contains(@class, "form-many2one")][1]');
        await widget.locator('.icon-secondary button').click();
        const dialog = j.page.locator('.modal.in').filter({
            has: j.page.locator('.treeview'),
        }).last();
        await j.visible(dialog, 'the vehicle picker');
        await j.modalShown(dialog, 'the vehicle picker');
        const rows = dialog.locator('.treeview table.tree > tbody > tr:not(.more-row)');
        await j.until(async () => await rows.count() > 0, 'the trucks of the picker');
        await j.idle();
        const texts = (await rows.allInnerTexts()).map(t => t.replace(/\s+/g, ' ').trim());
        j.log(`the picker offers ${texts.length} truck(s): ${texts.join(' / ')}`);
        // (sao hides the supplier's column: the picker's domain sets it.)
        const offered = supplier.trucks.filter(p => texts.some(t => t.includes(p)));
        const others = texts.filter(t => !supplier.trucks.some(p => t.includes(p)));
        if (others.length || offered.length !== supplier.trucks.length
                || texts.length !== supplier.trucks.length) {
            throw new Error(`the picker offers ${texts.join(' / ')}; `
                + `${purchase.party}'s trucks are ${supplier.trucks.join('、')}`);
        }
        await j.shot('05-truck-picker.png');
        // A truck not on the road.
        plate = supplier.trucks.find(p => !demo.on_the_road.includes(p));
        await rows.filter({ hasText: plate }).first().locator('td:not(.selection-state)')
            .nth(1).click();
        await dialog.locator('.modal-footer button.btn-primary').click();
        await j.until(async () => !(await dialog.isVisible()), 'the picker closed');
        await j.idle();
        // A truck shows as its fleet number and plate.
        await j.until(async () => (await j.value('vehicle', false) || '').endsWith(plate),
            `the vehicle ${plate}`);
    });

    await j.step('load the purchase, the driver', async () => {
        await j.many2one('purchase', purchase.number);
        await j.many2one('driver', demo.driver.name);
        await j.fill('driver_phone', demo.driver.phone);
        await j.save();
        number = await j.value('number');
        const loaded = await lines(j, 'lines', ['product', 'quantity', 'unit']);
        const ordered = planLines.filter(l => l.supplier === purchase.party)
            .map(l => l.product).sort();
        j.log(`dispatch ${number}: ${loaded.map(l => `${l.product} ${l.quantity} ${l.unit}`)
            .join(', ')}`);
        if (loaded.map(l => l.product).sort().join() !== [...new Set(ordered)].join()) {
            throw new Error(`the dispatch loads ${loaded.map(l => l.product).join('、')}, `
                + `the purchase ordered ${ordered.join('、')}`);
        }
        await j.shot('06-dispatch-draft.png');
    });

    for (const [button, state, shot] of [
            ['load', 'loaded', '07-loaded.png'],
            ['depart', 'in_transit', '08-in-transit.png'],
            ]) {
        await j.step(`press ${button}`, async () => {
            const label = await j.button(button);
            await j.waitValue('state', state, `the dispatch ${state} after "${label}"`);
            await j.shot(shot);
        });
    }

    await j.step('deliver', async () => {
        await deliver(j);
        await j.shot('09-delivered.png');
        await j.scanEnglish('truck dispatch delivered');
    });

    await j.step('print the dispatch note', async () => {
        await dispatchNote(j, 'dispatch_note.pdf', number, supplier, site, plate);
    });

    const road = demo.truck_en_route;
    await j.step("the demo's truck on its way to the first site", async () => {
        await backToList(j, 'quarantine.supply.dispatch');
        await j.domainTab('运输中');
        await j.openRow(road.site, 'quarantine.supply.dispatch');
        const vehicle = await j.value('vehicle', false);
        const from = await j.value('supplier', false);
        j.log(`dispatch ${await j.value('number')}: ${from}, ${vehicle} to ${road.site}`);
        road.plate = demo.suppliers[from]
            && demo.suppliers[from].trucks.find(p => (vehicle || '').endsWith(p));
        if (await j.value('state') !== 'in_transit' || !road.plate) {
            throw new Error(`the dispatch to ${road.site} is ${await j.value('state')}, `
                + `${vehicle} of ${from}`);
        }
        road.number = await j.value('number');
        road.supplier = demo.suppliers[from];
    });

    await j.step('deliver the truck on its way', async () => {
        await deliver(j);
        await j.shot('10-en-route-delivered.png');
        await dispatchNote(j, 'dispatch_note_en_route.pdf', road.number, road.supplier,
            road.site, road.plate);
    });
});
