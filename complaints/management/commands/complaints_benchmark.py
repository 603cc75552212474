"""Measure the complaint screens and the knowledge-base search at scale, then roll everything back.

    DATABASE_URL=postgres://... python manage.py complaints_benchmark --articles 20000 --complaints 20000

Writes synthetic articles and complaints inside one transaction (nothing is kept), times the
knowledge-base search for words of 2, 3 and 4 characters (median of repeated runs, with the plan
PostgreSQL chose), a queue page, the complaint list, a work order and a month's statistics.
"""

import random
import statistics as stats
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boss.models import Department, Hall, Staff
from complaints.models import Article, ArticleCategory, Complaint, ComplaintCategory, ComplaintStep, Stage
from complaints.selectors import article_search
from complaints.services.knowledge import search_normalize

PHRASES = [
    "营业厅受理业务时应核对客户证件原件", "国际漫游资费按目的地分区计费", "全球通客户可享受机场贵宾服务",
    "银行托收每月二十日扣款", "携号转网须先结清欠费并解除合约", "话费账单可通过短信或网上营业厅查询",
    "梦网业务订购需二次确认", "宽带故障报修后二十四小时内上门", "流量套餐超出部分按每兆计费",
    "集团客户可办理VPMN短号互拨", "积分可兑换话费或礼品", "停机保号每月收取少量功能费",
    "实名登记须本人持有效证件办理", "补换SIM卡需携带身份证原件", "客户投诉应在规定时限内答复",
]


class _RollbackError(Exception):
    pass


class Command(BaseCommand):
    help = "Time the complaint screens and the knowledge-base search on synthetic data (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=20000)
        parser.add_argument("--complaints", type=int, default=20000)
        parser.add_argument("--repeat", type=int, default=15)

    def handle(self, *args, articles, complaints, repeat, **options):
        try:
            with transaction.atomic():
                self._run(articles, complaints, repeat)
                raise _RollbackError
        except _RollbackError:
            self.stdout.write("(everything rolled back)")

    def _time(self, fn, repeat):
        fn()  # warm up
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        return stats.median(samples)

    def _run(self, n_articles, n_complaints, repeat):
        rng = random.Random(7)
        staff = Staff.objects.create(username="bench_reviewer")
        kb = ArticleCategory.objects.create(code="BENCH", name="bench")
        rows = []
        for i in range(n_articles):
            body = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(10, 30))) + "。"
            title = f"知识文章{i}：" + rng.choice(PHRASES)[:10]
            rows.append(Article(title=title, kind=Article.Kind.TECHNICAL, category=kb, body=body, author=staff,
                                valid_from=timezone.localdate(), search_text=search_normalize(f"{title}\n\n{body}")))
        Article.objects.bulk_create(rows, batch_size=2000)
        marker = Article.objects.order_by("?").first()
        marker.search_text += "\n携号转网新规须知"  # one rare phrase in the middle of the corpus
        marker.save(update_fields=["search_text"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE complaints_article")
        self.stdout.write(f"knowledge base: {n_articles} articles on {connection.vendor}")
        for query in ("新规须知", "新规须", "新规", "漫游资费", "漫游", "携号转网 新规"):
            qs = article_search(query=query)
            ms = self._time(lambda qs=qs: list(qs[:20]), repeat)
            hits = qs.count()
            plan = self._plan(qs[:20])
            self.stdout.write(f"  search {query!r:14} {hits:6d} hits  {ms:7.1f} ms  {plan}")

        cs, _ = Department.objects.get_or_create(code="CS", defaults={"name": "客服", "kind": "customer_service"})
        net, _ = Department.objects.get_or_create(code="NET", defaults={"name": "网络部", "kind": "complaint"})
        hall = Hall.objects.first() or Hall.objects.create(code="BENCH", name="bench")
        category = ComplaintCategory.objects.create(code="BENCH", name="bench", default_department=net)
        staff.department = cs
        staff.save(update_fields=["department"])
        from django.contrib.auth.models import Group

        staff.groups.add(*Group.objects.filter(name__in=["complaint_reviewer", "manager"]))
        now = timezone.now()
        objs = [Complaint(number=f"BENCH{i:08d}", channel="counter", category=category, description="信号差",
                          contact_phone="13900000000", hall=hall, taken_by=staff, service_department=cs,
                          received_at=now - timedelta(minutes=i), answer_due_at=now + timedelta(days=15))
                for i in range(n_complaints)]
        Complaint.objects.bulk_create(objs, batch_size=2000)
        steps = [ComplaintStep(complaint=c, stage=Stage.REVIEW, department=cs, opened_at=c.received_at,
                               due_at=c.received_at + timedelta(hours=24)) for c in objs]
        ComplaintStep.objects.bulk_create(steps, batch_size=2000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE complaints_complaint; ANALYZE complaints_complaintstep")
        client = Client()
        client.force_login(staff)
        self.stdout.write(f"complaints: {n_complaints} open in one review queue")
        pk = objs[0].pk
        for label, url in (("review queue (page 1 of 50)", "/complaints/queue/review/"),
                           ("complaint list (page 1 of 50)", "/complaints/"),
                           ("complaint list, search by number", f"/complaints/?q={objs[-1].number}"),
                           ("work order", f"/complaints/{pk}/"),
                           ("statistics, this month", "/complaints/statistics/")):
            ms = self._time(lambda url=url: self._get(client, url), repeat)
            with CaptureQueriesContext(connection) as queries:
                self._get(client, url)
            slowest = max(float(q["time"]) for q in queries.captured_queries) * 1000
            self.stdout.write(f"  {label:34} {ms:7.1f} ms  {len(queries.captured_queries):2d} queries, "
                              f"slowest {slowest:.1f} ms")

    def _get(self, client, url):
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.status_code)

    def _plan(self, qs):
        if connection.vendor != "postgresql":
            return "(scan)"
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        if "complaints_article_search_trgm" in plan:
            return "trigram index"
        return "sequential scan" if "Seq Scan" in plan else "other plan"
