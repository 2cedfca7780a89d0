"""Bad input over JSON-RPC, as the web client sends it, on PostgreSQL: a
100,000-character name and texts of 32,767 characters answer with the
translated size message (not a database error), an arrival years ahead
with the future-date message, and an upload of a sparse sheet declaring
A1:XFD150000 is refused at once (its time is printed)."""
import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

import rpc_harness

pytestmark = [pytest.mark.postgresql_only]
THIS = Path(__file__).resolve()


def load_ir_chinese(pool):
    """(ORM, as root) trytond's own messages in Chinese, as the project's
    setup (trytond-admin --all -l zh_CN) loads them; the test template
    activates zh_CN for the modules only"""
    import trytond.ir
    Translation = pool.get('ir.translation')
    Translation.translation_import('zh_CN', 'ir', str(
            Path(trytond.ir.__file__).parent / 'locale' / 'zh_CN.po'))
    return True


def sparse_sheet():
    "A workbook of 1-2 KB declaring A1:XFD150000, with a cell in XFD150000"
    book = Workbook()
    book.active.append(["姓名", "身份证号", "人员类别"])
    stream = io.BytesIO()
    book.save(stream)
    source = zipfile.ZipFile(io.BytesIO(stream.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == 'xl/worksheets/sheet1.xml':
                content = re.sub(rb'<dimension ref="[^"]*"',
                    b'<dimension ref="A1:XFD150000"', content).replace(
                    b'</sheetData>', b'<row r="150000"><c r="XFD150000" '
                    b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
            target.writestr(info.filename, content)
    return result.getvalue()


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('bounds')
    with rpc_harness.fresh_database(language='zh_CN') as database:
        rpc_harness.run_orm(database.name, THIS, 'load_ir_chinese')
        server = rpc_harness.Server(database.name, workdir)
        server.start()
        try:
            yield server, database
        finally:
            server.stop()


def client(server, language):
    server, database = server
    client = server.client()
    client.login('admin', database.password, language)
    # the language of the answers, as the web client's preferences set it
    client.context['language'] = language
    return client


@pytest.mark.parametrize('language,text', [
        ('en', 'is too long (100000 > 100)'), ('zh_CN', '太长')])
def test_long_name(server, language, text):
    "A 100,000-character name: the size message, in the user's language"
    admin = client(server, language)
    with pytest.raises(rpc_harness.RPCError) as refused:
        admin.model('party.party', 'create', [{'name': '名' * 100000}])
    assert refused.value.clean, str(refused.value)
    assert text in refused.value.message
    assert admin.model('party.party', 'search_count',
        [('name', 'like', '名名名%')]) == 0


def test_far_arrival_and_long_texts(server):
    """An arrival in 2030; a site's name (a column of 100 characters) and
    layout notes (a text of 10,000) of 32,767 characters"""
    admin = client(server, 'en')
    party, = admin.model('party.party', 'create', [{'name': "住户"}])
    regime, = admin.model('quarantine.regime', 'search',
        [('code', '=', 'centralized_14')])
    with pytest.raises(rpc_harness.RPCError) as refused:
        admin.model('quarantine.stay', 'create', [{
                    'person': party, 'regime': regime,
                    'arrival_date': dt.date(2030, 1, 1)}])
    assert refused.value.clean, str(refused.value)
    assert '2030-01-01 is too far ahead' in refused.value.message
    site, = admin.model('quarantine.site', 'create',
        [{'name': "试剂", 'code': 'RG'}])
    for values, text in [({'name': 'r' * 32767}, '32767 > 100'),
            ({'layout_notes': 'r' * 32767}, '32767 > 10000')]:
        with pytest.raises(rpc_harness.RPCError) as refused:
            admin.model('quarantine.site', 'write', [site], values)
        assert refused.value.clean, str(refused.value)
        assert text in refused.value.message


def test_sparse_upload(server):
    "The sparse workbook is refused by the arrival import at once"
    admin = client(server, 'en')
    data = sparse_sheet()
    regime, = admin.model('quarantine.regime', 'search',
        [('code', '=', 'centralized_14')])
    session, _, _ = admin.wizard_create('quarantine.stay.import')
    start = time.perf_counter()
    with pytest.raises(rpc_harness.RPCError) as refused:
        admin.wizard_execute('quarantine.stay.import', session, {'start': {
                    'file': data,
                    'filename': 'sparse.xlsx',
                    'arrival_date': dt.date.today(),
                    'regime': regime, 'site': None}}, 'import_')
    seconds = time.perf_counter() - start
    print(f"\nsparse A1:XFD150000 ({len(data)} bytes) refused over "
        f"JSON-RPC in {seconds:.2f} s")
    assert refused.value.clean, str(refused.value)
    assert 'The sheet is too large' in refused.value.message
