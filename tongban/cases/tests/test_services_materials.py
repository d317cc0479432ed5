"""Materials: files checked by their content and size and hashed; electronic licenses by number; added
only by the applicant (draft, correction) or the window (at the window)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog.choices import Mode
from tongban.core.errors import ValidationFailed

from ..choices import CaseStatus
from ..models import CaseMaterial
from ..services import MAX_UPLOAD_BYTES, case_material_license, case_material_upload, material_file_store
from ..workflow import TransitionRefused
from .factories import CaseFactory, Circle, make_circle

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def circle(settings, tmp_path) -> Circle:
    settings.MEDIA_ROOT = tmp_path
    return make_circle()


def upload(content: bytes, name="scan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_an_applicant_uploads_a_pdf_to_a_draft(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = circle.version.materials.get(name="身份证")

    row = case_material_upload(
        case=case, by=circle.actor(circle.applicant), file=upload(PDF), guide_material_id=material.pk
    )

    assert (row.kind, row.content_type, row.size, row.name) == (
        "upload",
        "application/pdf",
        len(PDF),
        "身份证",
    )
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.file.read() == PDF
    assert row.file.name.startswith("cases/") and row.file.name.endswith(".pdf")


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_file_whose_row_is_not_written_leaves_nothing_on_disk(circle, tmp_path):
    submitted = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    draft = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)

    with pytest.raises(TransitionRefused):
        case_material_upload(case=submitted, by=circle.actor(circle.applicant), file=upload(PDF), name="说明")
    with pytest.raises(ValidationFailed):
        case_material_upload(case=draft, by=circle.actor(circle.applicant), file=upload(PDF), name=" ")

    assert files_under(tmp_path) == []
    assert not CaseMaterial.objects.exists()


def test_a_file_stored_first_is_the_callers_to_discard(circle, tmp_path):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    stored = material_file_store(upload(PDF))

    with pytest.raises(TransitionRefused):
        case_material_upload(case=case, by=circle.actor(circle.applicant), file=stored, name="说明")

    assert len(files_under(tmp_path)) == 1  # the caller's transaction may still record it elsewhere
    stored.discard()
    assert files_under(tmp_path) == []


def test_the_type_is_read_from_the_content_not_the_name(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)

    with pytest.raises(ValidationFailed) as caught:
        case_material_upload(
            case=case, by=circle.actor(circle.applicant), file=upload(b"MZ\x90\x00evil"), name="身份证"
        )

    assert caught.value.errors[0].field == "file"
    assert CaseMaterial.objects.count() == 0


def test_a_file_too_large_is_refused(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    big = upload(PDF)
    big.size = MAX_UPLOAD_BYTES + 1

    with pytest.raises(ValidationFailed) as caught:
        case_material_upload(case=case, by=circle.actor(circle.applicant), file=big, name="身份证")

    assert caught.value.errors[0].field == "file"


def test_nothing_is_added_once_the_case_is_with_the_handler(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    with pytest.raises(TransitionRefused):
        case_material_upload(case=case, by=circle.actor(circle.applicant), file=upload(PDF), name="身份证")

    assert CaseMaterial.objects.count() == 0


def test_the_window_scans_while_the_case_is_at_the_window(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)

    row = case_material_upload(
        case=case, by=circle.actor(circle.clerk), file=upload(b"\x89PNG\r\n\x1a\n" + b"1" * 10), name="户口簿"
    )

    assert (row.content_type, row.uploaded_by) == ("image/png", circle.clerk)


def test_a_license_stands_in_only_where_the_guide_allows_it(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = circle.version.materials.get(name="身份证")

    with pytest.raises(ValidationFailed) as caught:
        case_material_license(
            case=case,
            by=circle.actor(circle.applicant),
            guide_material_id=material.pk,
            license_reference="X1",
        )

    assert caught.value.errors[0].field == "guide_material"
    assert CaseMaterial.objects.count() == 0


def test_a_license_number_stands_in_for_the_material_the_guide_names(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = circle.version.materials.get(name="居住证明")

    row = case_material_license(
        case=case,
        by=circle.actor(circle.applicant),
        guide_material_id=material.pk,
        license_reference="4201-2026-01",
    )

    assert (row.kind, row.license_reference, row.name) == ("license", "4201-2026-01", "居住证明")


def test_an_added_material_is_in_the_audit_log_with_its_digest(circle):
    from tongban.core.models import AuditEntry

    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = circle.version.materials.get(name="身份证")

    case_material_upload(
        case=case, by=circle.actor(circle.applicant), file=upload(PDF), guide_material_id=material.pk
    )

    entry = AuditEntry.objects.get(action="case.material_added")
    assert (entry.object_id, entry.detail) == (
        str(case.pk),
        {"material": "身份证", "kind": "upload", "sha256": hashlib.sha256(PDF).hexdigest()},
    )
