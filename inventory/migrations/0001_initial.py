"""The inventory's models, taken over from orders (their tables were renamed by orders/0007): state only."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

from boss.db import rows_exist


def _content_types_move(apps, *, old: str, new: str, models: list[str]) -> None:
    """Move the content types (and so the permissions and the groups holding them) with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    if not rows_exist(schema_editor, "django_content_type"):  # a new database: made after migrate
        return
    _content_types_move(apps, old="orders", new="inventory", models=MODELS)


def content_types_backward(apps, schema_editor):
    _content_types_move(apps, old="inventory", new="orders", models=MODELS)


MODELS = ['numbersegment', 'stockimport', 'numberresource', 'numberreservation', 'simcard', 'handsetmodel', 'handset', 'rechargecard']


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("boss", "0002_audit_immutable"),
        ("catalog", "0001_initial"),
        ("customers", "0006_minimum_spend"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NumberSegment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('prefix', models.CharField(max_length=4, unique=True, verbose_name='prefix')),
                        ('operator', models.CharField(choices=[('cmcc', 'China Mobile'), ('cucc', 'China Unicom'), ('ctcc', 'China Telecom'), ('cbn', 'China Broadnet')], default='cmcc', max_length=10, verbose_name='network operator')),
                        ('kind', models.CharField(choices=[('mobile', 'Mobile'), ('data', 'Data card'), ('iot', 'Internet of things'), ('mvno', 'Virtual operator')], default='mobile', max_length=10, verbose_name='kind')),
                        ('number_length', models.PositiveSmallIntegerField(default=11, verbose_name='digits')),
                        ('active', models.BooleanField(default=True, verbose_name='sold at the counter')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='remark')),
                    ],
                    options={
                        'verbose_name': 'number segment',
                        'verbose_name_plural': 'number segments',
                        'ordering': ['prefix'],
                    },
                ),
                migrations.CreateModel(
                    name='HandsetModel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=30, unique=True, verbose_name='code')),
                        ('brand', models.CharField(max_length=50, verbose_name='brand')),
                        ('name', models.CharField(max_length=100, verbose_name='model')),
                        ('network', models.CharField(choices=[('4g', '4G'), ('5g', '5G')], default='5g', max_length=4, verbose_name='network')),
                        ('price', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='price')),
                        ('active', models.BooleanField(default=True, verbose_name='on sale')),
                    ],
                    options={
                        'verbose_name': 'handset model',
                        'verbose_name_plural': 'handset models',
                        'ordering': ['brand', 'name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('price__gte', 0)), name='handset_price_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='StockImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('sim', 'SIM cards'), ('handset', 'Handsets'), ('recharge_card', 'Recharge cards'), ('number', 'Numbers')], max_length=20, verbose_name='kind')),
                        ('filename', models.CharField(blank=True, max_length=200, verbose_name='file')),
                        ('created_count', models.PositiveIntegerField(default=0, verbose_name='added')),
                        ('duplicate_count', models.PositiveIntegerField(default=0, verbose_name='duplicates skipped')),
                        ('error_count', models.PositiveIntegerField(default=0, verbose_name='lines refused')),
                        ('report', models.JSONField(default=dict, verbose_name='report')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='time')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
                        ('hall', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='boss.hall', verbose_name='service hall')),
                    ],
                    options={
                        'verbose_name': 'stock import',
                        'verbose_name_plural': 'stock imports',
                        'ordering': ['-created_at', '-id'],
                        'permissions': [('import_stock', 'Can import stock and numbers from CSV')],
                    },
                ),
                migrations.CreateModel(
                    name='NumberResource',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('msisdn', models.CharField(max_length=11, verbose_name='mobile number')),
                        ('pattern', models.CharField(blank=True, help_text='The rule that gave the grade.', max_length=20, verbose_name='pattern')),
                        ('operator', models.CharField(choices=[('cmcc', 'China Mobile'), ('cucc', 'China Unicom'), ('ctcc', 'China Telecom'), ('cbn', 'China Broadnet')], default='cmcc', max_length=10, verbose_name='served by')),
                        ('status', django_fsm.FSMField(choices=[('free', 'Free'), ('reserved', 'Reserved'), ('assigned', 'Assigned'), ('frozen', 'Cooling down'), ('unusable', 'Unusable')], default='free', max_length=10, protected=True, verbose_name='status')),
                        ('reserved_until', models.DateTimeField(blank=True, null=True, verbose_name='reserved until')),
                        ('frozen_until', models.DateTimeField(blank=True, null=True, verbose_name='cooling down until')),
                        ('assigned_at', models.DateTimeField(blank=True, null=True, verbose_name='assigned at')),
                        ('grade', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='numbers', to='catalog.numbergrade', verbose_name='grade')),
                        ('segment', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='numbers', to='inventory.numbersegment', verbose_name='segment')),
                        ('batch', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='inventory.stockimport', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'number',
                        'verbose_name_plural': 'numbers',
                        'ordering': ['msisdn'],
                        'permissions': [('reserve_number', 'Can reserve numbers'), ('release_any_reservation', 'Can release number reservations of other staff')],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='Handset',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('imei', models.CharField(max_length=15, unique=True, verbose_name='IMEI')),
                        ('status', django_fsm.FSMField(choices=[('in_stock', 'In stock'), ('sold', 'Sold'), ('damaged', 'Damaged')], default='in_stock', max_length=10, protected=True, verbose_name='status')),
                        ('sold_at', models.DateTimeField(blank=True, null=True, verbose_name='sold at')),
                        ('hall', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='handsets', to='boss.hall', verbose_name='service hall')),
                        ('model', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='handsets', to='inventory.handsetmodel', verbose_name='model')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='inventory.stockimport', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'handset',
                        'verbose_name_plural': 'handsets',
                        'ordering': ['imei'],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='NumberReservation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('state', models.CharField(choices=[('active', 'Active'), ('released', 'Released'), ('expired', 'Expired'), ('converted', 'Assigned to a line')], default='active', max_length=10, verbose_name='state')),
                        ('reserved_until', models.DateTimeField(verbose_name='reserved until')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='ended at')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='number_reservations', to='customers.customer', verbose_name='customer')),
                        ('hall', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='boss.hall', verbose_name='service hall')),
                        ('reserved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reserved by')),
                        ('number', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='inventory.numberresource', verbose_name='number')),
                    ],
                    options={
                        'verbose_name': 'number reservation',
                        'verbose_name_plural': 'number reservations',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['state', 'reserved_until'], name='reservation_due_idx'), models.Index(fields=['reserved_by', 'state'], name='reservation_holder_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'active')), fields=('number',), name='one_active_reservation_per_number'), models.CheckConstraint(condition=models.Q(('state', 'active'), ('closed_at__isnull', False), _connector='OR'), name='reservation_closed_has_time')],
                    },
                ),
                migrations.CreateModel(
                    name='SimCard',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('iccid', models.CharField(max_length=20, unique=True, verbose_name='ICCID')),
                        ('imsi', models.CharField(max_length=15, unique=True, verbose_name='IMSI')),
                        ('capacity', models.CharField(choices=[('64k', '64K SIM'), ('128k', '128K SIM'), ('usim', 'USIM')], max_length=10, verbose_name='capacity')),
                        ('status', django_fsm.FSMField(choices=[('in_stock', 'In stock'), ('assigned', 'Issued to a line'), ('damaged', 'Damaged'), ('invalidated', 'Invalidated (replaced)')], default='in_stock', max_length=12, protected=True, verbose_name='status')),
                        ('assigned_at', models.DateTimeField(blank=True, null=True, verbose_name='issued to a line at')),
                        ('hall', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sim_cards', to='boss.hall', verbose_name='service hall')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='inventory.stockimport', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'SIM card',
                        'verbose_name_plural': 'SIM cards',
                        'ordering': ['iccid'],
                        'indexes': [models.Index(fields=['hall', 'status', 'capacity'], name='sim_stock_idx')],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='RechargeCard',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('serial', models.CharField(max_length=20, unique=True, verbose_name='serial number')),
                        ('pin_hash', models.CharField(max_length=128, verbose_name='PIN hash')),
                        ('face_value', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='face value')),
                        ('valid_until', models.DateField(verbose_name='usable until')),
                        ('status', django_fsm.FSMField(choices=[('active', 'Usable'), ('redeemed', 'Used'), ('void', 'Void')], default='active', max_length=10, protected=True, verbose_name='status')),
                        ('redeemed_at', models.DateTimeField(blank=True, null=True, verbose_name='used at')),
                        ('redeemed_for', models.CharField(blank=True, max_length=11, verbose_name='used for')),
                        ('hall', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recharge_cards', to='boss.hall', verbose_name='service hall')),
                        ('redeemed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='used by')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='inventory.stockimport', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'recharge card',
                        'verbose_name_plural': 'recharge cards',
                        'ordering': ['serial'],
                        'indexes': [models.Index(fields=['hall', 'status'], name='recharge_stock_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('face_value__gt', 0)), name='recharge_face_value_positive'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'redeemed'), _negated=True), ('redeemed_at__isnull', False), _connector='OR'), name='recharge_redeemed_has_time')],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.AddIndex(
                    model_name='numberresource',
                    index=models.Index(fields=['segment', 'msisdn'], name='number_segment_idx'),
                ),
                migrations.AddIndex(
                    model_name='numberresource',
                    index=models.Index(fields=['grade', 'msisdn'], name='number_grade_idx'),
                ),
                migrations.AddIndex(
                    model_name='numberresource',
                    index=models.Index(condition=models.Q(('status', 'frozen')), fields=['frozen_until'], name='number_frozen_idx'),
                ),
                migrations.AddConstraint(
                    model_name='numberresource',
                    constraint=models.UniqueConstraint(fields=('msisdn',), name='number_msisdn_unique'),
                ),
                migrations.AddConstraint(
                    model_name='numberresource',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'reserved'), _negated=True), ('reserved_until__isnull', False), _connector='OR'), name='number_reserved_has_until'),
                ),
                migrations.AddIndex(
                    model_name='handset',
                    index=models.Index(fields=['hall', 'status', 'model'], name='handset_stock_idx'),
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
