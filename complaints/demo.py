"""Demo data of complaints: categories with their departments and time limits, two department heads,
knowledge-base articles, and a few complaints at every stage (idempotent)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from boss.demo import DEMO_PASSWORD
from boss.models import Department, Staff
from complaints.models import Article, ArticleCategory, Complaint, ComplaintCategory, ComplaintTimeLimit, Stage

# code, name, department, billing dispute, starts refund
CATEGORIES = [
    ("NET-SIGNAL", "网络信号差", "NET", False, False),
    ("NET-CALL", "通话质量问题", "NET", False, False),
    ("SVC-ATTITUDE", "服务态度", "SVC", False, False),
    ("CARD-SIM", "SIM卡及充值卡问题", "CARD", False, False),
    ("VAS-FEE", "梦网业务扣费争议", "VAS", True, False),
    ("SUP-SYSTEM", "业务办理系统故障", "SUP", False, False),
    ("BILL-DISPUTE", "话费争议", "BILL", True, False),
    ("BANK-OVERDEDUCT", "银行托收多扣款", "BILL", True, True),
    ("MIS-DATA", "客户资料错误", "MIS", False, False),
    ("BBC-STATEMENT", "账单寄送问题", "BBC", False, False),
    ("EOMS-FAULT", "网络故障工单", "EOMS", False, False),
]
TIME_LIMITS = [("NET-SIGNAL", Stage.HANDLE, 48), ("EOMS-FAULT", Stage.HANDLE, 24)]

# username, family, given, role, department: department heads (complaints.lead_department)
HEADS = [("head_net", "林", "涛", "department_handler", "NET"), ("head_cs", "何", "雪", "complaint_reviewer", "CS")]

KB_CATEGORIES = [("TARIFF", "资费"), ("NETWORK", "网络"), ("SERVICE", "业务办理"), ("BILLING", "计费与缴费")]
ARTICLES = [
    ("NETWORK", Article.Kind.ANSWER_TEMPLATE, "信号差投诉答复模板",
     "您好！您反映的所在区域信号较差问题，我公司已安排网络优化人员现场测试并调整基站参数，目前该区域信号已明显改善。"
     "如仍有问题，请拨打10086与我们联系。感谢您对中国移动的支持！", "信号 覆盖 基站"),
    ("BILLING", Article.Kind.ANSWER_TEMPLATE, "话费争议答复模板",
     "您好！经核查，您反映的话费问题系梦网业务订购产生，我公司已为您退订该业务并退还相应费用，款项将在下一账期返还。"
     "给您带来不便，敬请谅解。", "话费 扣费 退订"),
    ("BILLING", Article.Kind.ANSWER_TEMPLATE, "银行托收多扣款答复模板",
     "您好！经帐务室核实，本月银行托收确有多扣，多扣金额将按退费流程以现金方式退还。请携带本人身份证、托收账户持有人身份证及存折到营业厅办理。",
     "托收 多扣 退费"),
    ("TARIFF", Article.Kind.TECHNICAL, "港澳台国际漫游资费说明",
     "自本月起，全球通客户在港澳台地区的国际漫游资费下调为每分钟0.99元，接听免费，数据流量按日封顶。开通国际漫游需预存话费。",
     "漫游 港澳台 资费"),
    ("NETWORK", Article.Kind.TERM, "VoLTE（高清语音）",
     "VoLTE是基于4G网络的语音业务，通话时可同时上网，接通更快、音质更清晰。需手机和SIM卡同时支持。", "VoLTE 高清语音"),
    ("SERVICE", Article.Kind.TECHNICAL, "过户业务受理要点",
     "过户须原机主与新机主双方本人持有效身份证件到营业厅办理，结清欠费，签署新的客户服务协议。", "过户 证件"),
]


@transaction.atomic
def load(stdout=None) -> int:
    from complaints.services import article_create

    departments = {d.code: d for d in Department.objects.all()}
    for code, name, dept, billing, refund in CATEGORIES:
        ComplaintCategory.objects.get_or_create(code=code, defaults={
            "name": name, "default_department": departments.get(dept), "billing_dispute": billing,
            "starts_refund": refund})
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    for code, stage, hours in TIME_LIMITS:
        ComplaintTimeLimit.objects.get_or_create(category=categories[code], stage=stage, defaults={"hours": hours})

    lead = Permission.objects.get(codename="lead_department", content_type__app_label="complaints")
    for username, family, given, role, dept in HEADS:
        user, is_new = Staff.objects.get_or_create(username=username, defaults={
            "last_name": family, "first_name": given, "department": departments.get(dept)})
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            user.user_permissions.add(lead)

    kb = {code: ArticleCategory.objects.get_or_create(code=code, defaults={"name": name})[0]
          for code, name in KB_CATEGORIES}
    author = Staff.objects.filter(username="manager1").first()
    if author and not Article.objects.exists():
        for cat, kind, title, body, keywords in ARTICLES:
            article_create(actor=author, title=title, kind=kind, category=kb[cat], body=body, keywords=keywords)

    created = 0
    if not Complaint.objects.exists():
        created = _sample_complaints(categories, departments)
    return created


def _sample_complaints(categories, departments) -> int:
    from complaints.services import (
        complaint_accept,
        complaint_callback,
        complaint_dispatch,
        complaint_open,
        complaint_reply,
    )

    users = {u.username: u for u in Staff.objects.filter(username__in=["rep1", "rep2", "reviewer1", "handler_net",
                                                                         "handler_bill"])}
    if len(users) < 5 or "CS" not in departments:
        return 0
    rep1, rep2, reviewer, net, bill = (users[n] for n in ("rep1", "rep2", "reviewer1", "handler_net", "handler_bill"))

    def file(actor, category, description, phone, **kw):
        channel = "counter" if actor.hall_id else "hotline"
        return complaint_open(actor=actor, channel=channel, category=categories[category], description=description,
                              caller_name=kw.pop("name", ""), contact_phone=phone, **kw)

    file(rep1, "NET-SIGNAL", "客户反映天河北路住所室内信号差，经常掉线。", "13911110001", name="陈先生")
    file(reviewer, "SVC-ATTITUDE", "客户来电反映中山路营业厅营业员态度冷淡。", "13911110002", name="刘女士",
         severity=Complaint.Severity.URGENT)
    c = file(rep2, "NET-CALL", "通话时有杂音，持续一周。", "13911110003", name="黄先生")
    complaint_dispatch(actor=reviewer, complaint=c, department=departments["NET"], note="请核查天河片区基站")
    c = file(reviewer, "BILL-DISPUTE", "客户对上月话费有异议，称未使用彩铃业务。", "13911110004", name="周女士",
             disputed_on=_last_month())
    c = complaint_dispatch(actor=reviewer, complaint=c, department=departments["BILL"])
    complaint_reply(actor=bill, complaint=c, reply="经核查彩铃为客户本人短信订购，已为客户退订。")
    c = file(rep1, "NET-SIGNAL", "地下车库无信号。", "13911110005", name="吴先生")
    c = complaint_dispatch(actor=reviewer, complaint=c, department=departments["NET"])
    c = complaint_reply(actor=net, complaint=c, reply="已在地下车库加装室内分布系统。")
    c = complaint_accept(actor=reviewer, complaint=c, answer="已加装室分设备，车库信号已覆盖。")
    c = file(rep1, "CARD-SIM", "充值卡密码刮花无法充值。", "13911110006", solved_on_the_spot=True,
             answer="已核实卡号，为客户办理补充值。")
    c = file(rep2, "NET-SIGNAL", "小区信号弱。", "13911110007", name="郑女士")
    c = complaint_dispatch(actor=reviewer, complaint=c, department=departments["NET"])
    c = complaint_reply(actor=net, complaint=c, reply="已调整基站方向角。")
    c = complaint_accept(actor=reviewer, complaint=c, answer="信号已改善。")
    complaint_callback(actor=reviewer, complaint=c, satisfaction=Complaint.Satisfaction.SATISFIED, note="客户满意")
    return 7


def _last_month():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate().replace(day=1) - timedelta(days=1)
