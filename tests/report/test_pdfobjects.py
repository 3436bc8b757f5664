"""Objects formatted once per process: a template's gaps filled per document, never written encrypted."""

from __future__ import annotations

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfdoc

from charting.report.pdfobjects import Finished, Template, encode, finished_stream, gap


def test_a_filled_template_writes_what_reportlab_writes() -> None:
    document = pdfdoc.PDFDocument(invariant=1)
    reference = document.Reference(pdfdoc.PDFDictionary({"A": 1}), "target")
    value = {"Type": pdfdoc.PDFName("Font"), "Widths": pdfdoc.PDFArray([1, 2.5]), "Name": pdfdoc.PDFName("F1+0")}
    expected = pdfdoc.PDFDictionary({**value, "Descriptor": reference}).format(document)
    template = Template(pdfdoc.PDFDictionary({**value, "Name": "/~gap~Name~", "Descriptor": gap("Descriptor")}))
    assert template.gaps == ["Descriptor", "Name"]
    assert template.fill(Name="F1+0", Descriptor=reference).format(document) == expected
    with pytest.raises(ValueError, match="gaps"):
        template.fill(Name="F1+0")


def test_a_finished_stream_is_the_stream_reportlab_formats() -> None:
    entries = {"Length1": 3}
    stream = pdfdoc.PDFStream(pdfdoc.PDFDictionary({**entries, "Filter": pdfdoc.PDFArray(["/FlateDecode"])}), b"xyz")
    assert finished_stream(b"xyz", compressed=True, **entries) == encode(stream)
    assert b"/Filter" not in finished_stream(b"xyz", compressed=False)


def test_an_encrypted_document_is_refused() -> None:
    document = pdfdoc.PDFDocument(invariant=1)
    document.encrypt = StandardEncryption("secret")
    with pytest.raises(ValueError, match="encrypted"):
        Finished(b"<< >>").format(document)
    with pytest.raises(ValueError, match="encrypted"):
        Template(pdfdoc.PDFDictionary({"A": gap("A")})).fill(A=1).format(document)
