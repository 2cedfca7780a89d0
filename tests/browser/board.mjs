// A role's dashboard (a board of the menu 隔离管理 > 工作台), in zh_CN: open
// it as the role's user and write down what each of its panels lists (the
// ids of its records, the text of each row, the labels of a graph) into
// $ARTIFACTS/panels.json; tests/test_browser.py compares them with the
// server's answer to each panel action's domain, searched as the same user.
// Run by tests/test_browser.py (see lib.mjs for the environment).
//
// Environment (besides lib.mjs's):
//   BOARD     the board's menu entries, separated by '/', e.g.
//             隔离管理/工作台/全市工作台
//   DOC_SHOT  file name of the README picture of the board (saved only
//             when SCREENSHOTS names a folder)
import fs from 'node:fs';
import path from 'node:path';

import { Journey, settings } from './lib.mjs';

const BOARD = (process.env.BOARD || '').split('/').map(s => s.trim()).filter(Boolean);
const options = settings();
const journey = new Journey('board', options);

await journey.run(async (j) => {
    if (!BOARD.length) {
        throw new Error('BOARD names no menu entry');
    }
    await j.login();
    await j.openBoard(BOARD);

    await j.step('read what each panel lists', async () => {
        const panels = await j.boardPanels();
        for (const panel of panels) {
            j.log(`panel "${panel.title}" (${panel.action}, ${panel.model} ${panel.view}): `
                + `${panel.ids.length} record(s)`
                + (panel.view === 'graph' ? `: ${panel.labels.join(' | ')}`
                    : panel.rows.map(r => `\n    ${r}`).join('')));
        }
        const file = path.join(j.artifacts, 'panels.json');
        fs.writeFileSync(file, JSON.stringify(panels, null, 2));
        j.log(`panels written to ${file}`);
        await j.shot('01-board.png');
        if (process.env.DOC_SHOT) {
            await j.docShot(process.env.DOC_SHOT);
        }
    });
});
