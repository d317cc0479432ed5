"""The cases API: the same services, permissions and errors as the pages.

A case is addressed by its number; one the caller may not see answers 404. Acts go through
`POST /{number}/actions/{action}`, dispatched to the service of that action (the workflow table decides
whether it is allowed: 409 when the case is not in a state for it or `expected_version` is stale, 403 when
the caller takes no part in it). Every response masks ID and mobile numbers.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.catalog.choices import Mode
from tongban.catalog.selectors import implementation_get
from tongban.core.errors import NotFound, ValidationFailed
from tongban.identity import access
from tongban.identity.access import ActionRefused
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.identity.choices import TokenScope
from tongban.identity.models import User
from tongban.regions.models import Window
from tongban.regions.schemas import ErrorOut

from . import services
from .choices import Action, CaseStatus
from .models import Case, Light, Shipment
from .schemas import (
    ActIn,
    ActionOut,
    CarrierEventIn,
    CarrierShipmentOut,
    CaseOut,
    CaseStartIn,
    CaseSummaryOut,
    EventOut,
    FormIn,
    MaterialOut,
    ReceiptOut,
    ShipmentEventIn,
    ShipmentIn,
    ShipmentOut,
    StepFinishIn,
    StepOut,
    WalletMaterialIn,
    WalletOfferOut,
    WindowReceiptIn,
)
from .selectors import (
    case_actions,
    case_get,
    case_receipt,
    case_steps,
    case_timeline,
    case_wallet_offers,
    cases_visible,
)

router = Router(tags=["办件"], auth=API_AUTH)
carrier_router = Router(tags=["寄递企业"], auth=API_AUTH)

PAGE = {"page_size": 20, "max_page_size": 100}
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
ACT_REFUSALS = {**REFUSALS, 409: ErrorOut}
FOR_ACCOUNTS_ONLY = "接口令牌不能申请办件：申请属于个人或法人账号。"
FILTER_LABELS = {"status": "状态", "light": "红黄牌", "mode": "办理模式"}


@router.get("", response={200: list[CaseSummaryOut], 400: ErrorOut}, summary="办件列表")
@paginate(PageNumberPagination, **PAGE)
def case_list(request: HttpRequest, status: str = "", light: str = "", mode: str = ""):
    """申请人：自己的办件（含受托、经办法人的）；工作人员：本单位收件、办理或参与环节的办件；监督人员：
    所辖地区的办件。可按状态、红黄牌、办理模式筛选；新的在前，每页 20 条（page_size 最大 100）。"""
    cases = cases_visible(api_actor(request))
    for field, value, enum in (("status", status, CaseStatus), ("light", light, Light), ("mode", mode, Mode)):
        if value:
            if value not in enum.values:
                raise ValidationFailed.on(field, f"{FILTER_LABELS[field]}只能是 {'、'.join(enum.values)}。")
            cases = cases.filter(**{field: value})
    return cases


@router.post("", response={200: CaseOut, 201: CaseOut, **REFUSALS}, summary="开始网上申请（草稿）")
def case_start(
    request: HttpRequest,
    payload: CaseStartIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """按事项实施编码的现行办事指南建立草稿，随后上传材料、提交。重试时带同一个 Idempotency-Key：
    返回第一次建立的办件（200），不再新建；新建时 201。"""
    actor = api_actor(request)
    if actor.user is None:
        raise ActionRefused("case.start", message=FOR_ACCOUNTS_ONLY)
    implementation = implementation_get(code=payload.implementation_code)
    started = timezone.now()
    case = services.case_start_online(
        by=actor,
        implementation_version=implementation.current,
        form_data=payload.form_data,
        idempotency_key=idempotency_key,
    )
    case = case_get(actor, case.pk)
    return Status(201 if case.created_at >= started else 200, case)


@router.post(
    "/window-receipts",
    response={200: CaseOut, 201: CaseOut, **REFUSALS},
    summary="圈内通办专窗收件（异地代收）",
)
def window_receipt(
    request: HttpRequest,
    payload: WindowReceiptIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """专窗工作人员核验申请人身份（身份码，或姓名加公民身份号码），按办理地现行办事指南收件并记录服务同意书；
    随后上传扫描材料（POST /{number}/materials）、转送办理地（POST /{number}/actions/forward）。
    重试时带同一个 Idempotency-Key：返回第一次收件建立的办件（200），不再新建，也不再核验身份码。"""
    actor = api_actor(request)
    window = (
        Window.objects.select_related("hall__organization", "hall__region__city")
        .filter(pk=payload.window_id)
        .first()
    )
    if window is None:
        raise ValidationFailed.on("window_id", "未找到该窗口。")
    if not access.check(actor, "case.receive", window):  # windows are public: refused, not hidden
        raise ActionRefused("case.receive", window, "只有该窗口所在单位的窗口人员可以在此收件。")
    if payload.mode not in (Mode.PROXY, Mode.JOINT):
        raise ValidationFailed.on("mode", "办理模式只能是 proxy（异地代收代办）或 joint（多地联办）。")
    if retried := services.window_receipt_retried(window=window, idempotency_key=idempotency_key):
        return Status(200, case_get(actor, retried.pk))
    implementation = implementation_get(code=payload.implementation_code)
    applicant = services.applicant_identify(
        by=actor,
        identity_code=payload.identity_code,
        real_name=payload.real_name,
        id_number=payload.id_number,
    )
    case = services.case_receive_at_window(
        by=actor,
        window=window,
        implementation_version=implementation.current,
        applicant=applicant,
        consent=payload.consent,
        form_data=payload.form_data,
        mode=Mode(payload.mode),
        idempotency_key=idempotency_key,
    )
    return Status(201, case_get(actor, case.pk))


@router.get("/{number}/receipt", response={200: ReceiptOut, **REFUSALS}, summary="收件告知单")
def receipt(request: HttpRequest, number: str):
    """窗口收件的办件：收到了什么、按办理地哪一版办事指南、由哪个单位办理、多少个工作日、结果如何领取。"""
    return case_receipt(case_get(api_actor(request), number))


@router.get("/{number}", response={200: CaseOut, **REFUSALS}, summary="一件办件")
def case_detail(request: HttpRequest, number: str):
    """看不到的办件（他人的、其他城市的）得到 404。"""
    return case_get(api_actor(request), number)


@router.get("/{number}/timeline", response={200: list[EventOut], **REFUSALS}, summary="办件流转记录")
def case_events(request: HttpRequest, number: str):
    """谁、何时、以何身份、代谁、在哪个单位做了什么，以及此后由谁负责（首问负责）。"""
    case = case_get(api_actor(request), number)
    return case_timeline(case).select_related("organization", "owner_after")


@router.get("/{number}/actions", response={200: list[ActionOut], **REFUSALS}, summary="当前可做的操作")
def case_action_list(request: HttpRequest, number: str):
    """调用者现在可以对该办件做的操作（与页面上的按钮相同），以及每项须提供的内容。"""
    actor = api_actor(request)
    return list(case_actions(actor, case_get(actor, number)))


@router.put("/{number}/form", response={200: CaseOut, **ACT_REFUSALS}, summary="保存申请表")
def case_form(request: HttpRequest, number: str, payload: FormIn):
    """申请人在提交前和补正时保存申请表（可不完整）；其他状态 409。"""
    actor = api_actor(request)
    case = services.case_form_save(case=case_get(actor, number), by=actor, form_data=payload.form_data)
    return case_get(actor, case.pk)


@router.get("/{number}/steps", response={200: list[StepOut], **REFUSALS}, summary="办理环节（多地联办）")
def step_list(request: HttpRequest, number: str):
    return case_steps(case_get(api_actor(request), number))


@router.post(
    "/{number}/steps/{position}/finish", response={200: StepOut, **ACT_REFUSALS}, summary="办结本单位的环节"
)
def step_finish(request: HttpRequest, number: str, position: int, payload: StepFinishIn):
    """只有该环节的办理单位可以办结（403）；不同意须填写意见；本阶段全部办结后下一阶段的环节开始。"""
    actor = api_actor(request)
    step = case_steps(case_get(actor, number)).filter(position=position).first()
    if step is None:
        raise NotFound("未找到该环节。")
    services.case_step_finish(step=step, by=actor, **payload.dict())
    return case_steps(step.case).get(pk=step.pk)


def _recipient(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


def _dispatch(case: Case, action: Action, payload: ActIn, actor) -> None:
    """The service for `action` with what it needs from the body; the table decides the rest."""
    common = {"case": case, "by": actor, "expected_version": payload.expected_version}
    simple = {
        Action.SUBMIT: services.case_submit,
        Action.FORWARD: services.case_forward,
        Action.RESUBMIT: services.case_resubmit,
        Action.START_REVIEW: services.case_start_review,
        Action.END_SPECIAL_PROCEDURE: services.special_procedure_end,
        Action.RESUME: services.case_resume,
        Action.COMPLETE: services.case_complete,
    }
    if action in simple:
        simple[action](**common)
    elif action in (Action.WITHDRAW, Action.SUSPEND):
        (services.case_withdraw if action == Action.WITHDRAW else services.case_suspend)(
            **common, reason=payload.reason
        )
    elif action in (Action.ACCEPT, Action.ACCEPT_WITH_DEFICIENCY):
        promises = [services.Deficiency(p.guide_material_id, p.promised_on) for p in payload.promises]
        if action == Action.ACCEPT_WITH_DEFICIENCY and not promises:
            raise ValidationFailed.on("promises", "容缺受理须列明容缺材料及申请人承诺补交的日期。")
        services.case_accept(**common, with_deficiency=promises)
    elif action == Action.ISSUE_CORRECTION_NOTICE:
        services.correction_notice_issue(**common, items=payload.defects, reason=payload.reason)
    elif action == Action.REFUSE_ACCEPTANCE:
        services.case_refuse(**common, reason=payload.reason, remedies=payload.remedies)
    elif action in (Action.APPROVE, Action.DENY):
        services.case_decide(
            **common,
            approve=action == Action.APPROVE,
            reason=payload.reason,
            remedies=payload.remedies,
            license_face=payload.license_face,
        )
    elif action == Action.START_SPECIAL_PROCEDURE:
        if payload.procedure is None:
            raise ValidationFailed.on("procedure", "请选择特别程序的种类并填写所需时间。")
        services.special_procedure_start(**common, **payload.procedure.dict())
    elif action == Action.DELIVER:
        services.case_deliver(**common, method=payload.method, note=payload.reason)
    elif action == Action.HAND_OVER:
        services.case_hand_over(**common, to=_recipient(payload.recipient), reason=payload.reason)
    else:  # creating a case, deemed acceptance: not something a caller does to an existing case
        raise ValidationFailed.on("action", "该操作不能通过本接口办理。")


@router.post("/{number}/actions/{action}", response={200: CaseOut, **ACT_REFUSALS}, summary="办理操作")
def case_action(request: HttpRequest, number: str, action: str, payload: ActIn):
    """action 取值见 GET /{number}/actions。带上 expected_version：办件在此期间已被他人处理时 409；
    办件当前状态不允许该操作时 409，调用者无权做该操作时 403，均不改变任何内容。"""
    if action not in Action.values:
        raise ValidationFailed.on("action", "没有这种办理操作。")
    actor = api_actor(request)
    case = case_get(actor, number)
    _dispatch(case, Action(action), payload, actor)
    return case_get(actor, case.pk)


@router.get("/{number}/materials", response={200: list[MaterialOut], **REFUSALS}, summary="申请材料")
def material_list(request: HttpRequest, number: str):
    case = case_get(api_actor(request), number)
    return case.materials.order_by("id")


@router.post("/{number}/materials", response={201: MaterialOut, **ACT_REFUSALS}, summary="上传申请材料")
def material_upload(
    request: HttpRequest,
    number: str,
    file: File[UploadedFile],
    guide_material_id: Form[int | None] = None,
    name: Form[str] = "",
):
    """PDF、JPG 或 PNG（按文件内容识别），不超过 20 MB。申请人在提交前和补正时上传，收件窗口在收件时上传。
    guide_material_id 为办事指南所列材料；不在指南中的材料填写 name。"""
    actor = api_actor(request)
    case = case_get(actor, number)
    material = services.case_material_upload(
        case=case, by=actor, file=file, guide_material_id=guide_material_id, name=name
    )
    return Status(201, material)


@router.get(
    "/{number}/wallet-offers",
    response={200: list[WalletOfferOut], **REFUSALS},
    summary="可免提交的材料（我的证照）",
)
def wallet_offers(request: HttpRequest, number: str):
    """免证明: each material of the guide an e-license may replace, with the applicant's valid, verified
    licenses of that type and what sharing one would show the handling organization."""
    actor = api_actor(request)
    return case_wallet_offers(actor, case_get(actor, number))


@router.post(
    "/{number}/materials/from-wallet",
    response={201: MaterialOut, **ACT_REFUSALS},
    summary="以电子证照代替申请材料（免证明）",
)
def material_from_wallet(request: HttpRequest, number: str, payload: WalletMaterialIn):
    """持证人（或其企业的经办人）同意共享后，证照代替该材料：办件记录所用证照、材料与同意时间，并写入审计日志。"""
    actor = api_actor(request)
    case = case_get(actor, number)
    offered = {
        lic.identifier: lic
        for offer in case_wallet_offers(actor, case)
        if offer.material.pk == payload.guide_material_id
        for lic in offer.licenses
    }
    license_ = offered.get(payload.license.strip())
    if license_ is None:
        raise ValidationFailed.on(
            "license", "该电子证照不在可代替此材料的证照中（须为申请人有效的同类证照）。"
        )
    material = services.case_material_from_wallet(
        case=case,
        by=actor,
        guide_material_id=payload.guide_material_id,
        license_=license_,
        consent=payload.consent,
    )
    return Status(201, material)


@router.get("/{number}/shipments", response={200: list[ShipmentOut], **REFUSALS}, summary="寄递")
def shipment_list(request: HttpRequest, number: str):
    case = case_get(api_actor(request), number)
    return case.shipments.order_by("created_at", "id")


@router.post("/{number}/shipments", response={201: ShipmentOut, **ACT_REFUSALS}, summary="登记寄递")
def shipment_new(request: HttpRequest, number: str, payload: ShipmentIn):
    """由寄出方登记：收件窗口寄出申请材料和原件，办理单位寄出办理结果。同一运单号只能登记一次。"""
    actor = api_actor(request)
    case = case_get(actor, number)
    return Status(201, services.shipment_create(case=case, by=actor, **payload.dict()))


@router.post(
    "/{number}/shipments/{shipment_id}/events",
    response={200: ShipmentOut, **ACT_REFUSALS},
    summary="更新寄递状态",
)
def shipment_event(request: HttpRequest, number: str, shipment_id: int, payload: ShipmentEventIn):
    """收件地或办理地工作人员报告寄递进展（运输中、已签收、已退回）；已签收或已退回的不能再改（409）。"""
    actor = api_actor(request)
    case = case_get(actor, number)
    shipment = Shipment.objects.filter(case=case, pk=shipment_id).first()
    if shipment is None:
        raise NotFound("未找到该寄递。")
    return services.shipment_update(shipment=shipment, by=actor, **payload.dict())


@carrier_router.post(
    "/events",
    response={200: CarrierShipmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="寄递企业报告运单状态",
)
def carrier_event(request: HttpRequest, payload: CarrierEventIn):
    """寄递企业的系统以接口令牌（权限范围 shipments:update）按寄递企业和运单号报告进展（运输中、已签收、
    已退回）；只返回该运单的状态，不返回办件内容。未登记的运单 404；已签收或已退回的不能再改（409）。"""
    actor = api_actor(request)
    if not actor.has_scope(TokenScope.SHIPMENTS_UPDATE):
        raise ActionRefused("case.shipment_carrier", message="需要具有“更新寄递状态”权限的接口令牌。")
    shipment = services.shipment_by_tracking(carrier=payload.carrier, tracking_number=payload.tracking_number)
    return services.shipment_update(shipment=shipment, by=actor, status=payload.status, text=payload.text)
