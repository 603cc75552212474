"""The catalog's models, taken over from orders (their tables were renamed by orders/0007): state only."""

import django.db.models.deletion
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
    _content_types_move(apps, old="orders", new="catalog", models=MODELS)


def content_types_backward(apps, schema_editor):
    _content_types_move(apps, old="catalog", new="orders", models=MODELS)


MODELS = ['plan', 'feature', 'onetimefee', 'discount', 'offer', 'numbergrade', 'numbergraderule']


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Feature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=30, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('roaming', 'International roaming'), ('long_distance', 'Long distance'), ('call_forwarding', 'Call forwarding'), ('caller_id', 'Caller ID'), ('vpmn', 'VPMN'), ('voicemail', 'Voicemail'), ('other', 'Other')], max_length=20, verbose_name='kind')),
                        ('level', models.PositiveSmallIntegerField(default=0, help_text='Long distance: 1 domestic, 2 international (includes domestic).', verbose_name='level')),
                        ('monthly_fee', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='monthly fee')),
                        ('deposit_param', models.CharField(blank=True, help_text='The tariff parameter holding the deposit this feature requires, e.g. roaming.deposit.', max_length=80, verbose_name='deposit tariff parameter')),
                        ('active', models.BooleanField(default=True, verbose_name='on sale')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                    ],
                    options={
                        'verbose_name': 'feature',
                        'verbose_name_plural': 'features',
                        'ordering': ['kind', 'level', 'code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='feature_validity_order'), models.CheckConstraint(condition=models.Q(('monthly_fee__gte', 0)), name='feature_fee_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='NumberGrade',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=20, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=50, verbose_name='name')),
                        ('rank', models.SmallIntegerField(help_text='Higher is more valuable.', unique=True, verbose_name='rank')),
                        ('pre_deposit', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='pre-deposit')),
                        ('min_monthly_spend', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='minimum monthly spend')),
                        ('agreement_months', models.PositiveSmallIntegerField(default=0, verbose_name='agreement months')),
                        ('is_default', models.BooleanField(default=False, help_text='The grade of a number that matches no rule.', verbose_name='default grade')),
                    ],
                    options={
                        'verbose_name': 'number grade',
                        'verbose_name_plural': 'number grades',
                        'ordering': ['-rank'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='one_default_grade'), models.CheckConstraint(condition=models.Q(('pre_deposit__gte', 0), ('min_monthly_spend__gte', 0)), name='grade_amounts_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Plan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=30, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('main', 'Main plan'), ('data', 'Data add-on'), ('family', 'Family add-on'), ('voice', 'Voice add-on')], default='main', max_length=10, verbose_name='product type')),
                        ('brand', models.CharField(blank=True, choices=[('gotone', 'GoTone'), ('mzone', 'M-Zone'), ('easyown', 'Easyown'), ('', 'No brand')], default='', max_length=10, verbose_name='brand')),
                        ('network', models.CharField(choices=[('4g', '4G'), ('5g', '5G')], default='4g', max_length=4, verbose_name='network')),
                        ('monthly_fee', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='monthly fee')),
                        ('voice_minutes', models.PositiveIntegerField(default=0, verbose_name='included voice minutes')),
                        ('sms_count', models.PositiveIntegerField(default=0, verbose_name='included SMS')),
                        ('data_mb', models.PositiveIntegerField(default=0, verbose_name='included data (MB)')),
                        ('overage_per_minute', models.DecimalField(decimal_places=4, default=0, max_digits=10, verbose_name='voice beyond the allowance, per minute')),
                        ('overage_per_sms', models.DecimalField(decimal_places=4, default=0, max_digits=10, verbose_name='SMS beyond the allowance, each')),
                        ('overage_per_mb', models.DecimalField(decimal_places=4, default=0, max_digits=10, verbose_name='data beyond the allowance, per MB')),
                        ('roaming_per_minute', models.DecimalField(decimal_places=4, default=0, max_digits=10, verbose_name='international roaming, per minute')),
                        ('long_distance_per_minute', models.DecimalField(decimal_places=4, default=0, max_digits=10, verbose_name='international long distance, per minute')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='product description')),
                        ('active', models.BooleanField(default=True, verbose_name='on sale')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                    ],
                    options={
                        'verbose_name': 'plan',
                        'verbose_name_plural': 'plans',
                        'ordering': ['code'],
                        'permissions': [('quote_price', 'Can make price quotes')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='plan_validity_order'), models.CheckConstraint(condition=models.Q(('monthly_fee__gte', 0)), name='plan_fee_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='NumberGradeRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=20, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=50, verbose_name='name')),
                        ('kind', models.CharField(choices=[('tail', 'Ends with the pattern'), ('run_up', 'Ends with a rising run'), ('run_down', 'Ends with a falling run'), ('contains', 'Contains a digit')], max_length=10, verbose_name='kind')),
                        ('pattern', models.CharField(max_length=8, verbose_name='pattern')),
                        ('demote_steps', models.PositiveSmallIntegerField(default=0, verbose_name='grades down')),
                        ('window', models.PositiveSmallIntegerField(default=4, verbose_name='last digits looked at')),
                        ('priority', models.SmallIntegerField(default=0, verbose_name='priority')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('grade', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rules', to='catalog.numbergrade', verbose_name='grade')),
                    ],
                    options={
                        'verbose_name': 'number grade rule',
                        'verbose_name_plural': 'number grade rules',
                        'ordering': ['-priority', 'code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('grade__isnull', False), ('demote_steps__gt', 0), _connector='OR'), name='grade_rule_grades_or_demotes')],
                    },
                ),
                migrations.CreateModel(
                    name='OneTimeFee',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('business', models.CharField(choices=[('open_account', 'Open account'), ('sim_replacement', 'SIM replacement'), ('transfer', 'Transfer of ownership'), ('plan_change', 'Plan change'), ('feature_change', 'Feature change'), ('number_change', 'Number change'), ('precancel', 'Pre-cancellation')], max_length=20, verbose_name='business type')),
                        ('kind', models.CharField(choices=[('sim_card', 'SIM card fee'), ('number_selection', 'Number selection fee'), ('service', 'Service fee')], max_length=20, verbose_name='kind')),
                        ('sim_capacity', models.CharField(blank=True, choices=[('64k', '64K SIM'), ('128k', '128K SIM'), ('usim', 'USIM')], max_length=10, verbose_name='SIM capacity')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='amount')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('grade', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fees', to='catalog.numbergrade', verbose_name='number grade')),
                    ],
                    options={
                        'verbose_name': 'one-time fee',
                        'verbose_name_plural': 'one-time fees',
                        'ordering': ['business', 'kind', 'code'],
                        'indexes': [models.Index(fields=['business', 'kind'], name='onetimefee_business_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='onetimefee_validity_order'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='onetimefee_not_negative'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'sim_card'), _negated=True), models.Q(('sim_capacity', ''), _negated=True), _connector='OR'), name='onetimefee_sim_fee_has_capacity'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'number_selection'), _negated=True), ('grade__isnull', False), _connector='OR'), name='onetimefee_selection_fee_has_grade')],
                    },
                ),
                migrations.CreateModel(
                    name='Offer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('pitch', models.CharField(blank=True, max_length=300, verbose_name='what to say')),
                        ('audience', models.CharField(choices=[('any', 'Every customer'), ('ordinary', 'Ordinary customers'), ('vip', 'Big customers (VIP)')], default='any', max_length=10, verbose_name='for')),
                        ('min_vip_level', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='lowest VIP level')),
                        ('spend_min', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='average spend from')),
                        ('spend_max', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='average spend up to')),
                        ('priority', models.SmallIntegerField(default=0, verbose_name='priority')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('from_plans', models.ManyToManyField(blank=True, related_name='+', to='catalog.plan', verbose_name='for holders of')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offers', to='catalog.plan', verbose_name='product offered')),
                    ],
                    options={
                        'verbose_name': 'offer',
                        'verbose_name_plural': 'offers',
                        'ordering': ['-priority', 'code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='offer_validity_order')],
                    },
                ),
                migrations.CreateModel(
                    name='Discount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('business', models.CharField(blank=True, choices=[('open_account', 'Open account'), ('sim_replacement', 'SIM replacement'), ('transfer', 'Transfer of ownership'), ('plan_change', 'Plan change'), ('feature_change', 'Feature change'), ('number_change', 'Number change'), ('precancel', 'Pre-cancellation')], help_text='Empty: every business type.', max_length=20, verbose_name='business type')),
                        ('target', models.CharField(choices=[('monthly_fee', 'Monthly fee of the plan'), ('sim_card', 'SIM card fee'), ('number_selection', 'Number selection fee')], max_length=20, verbose_name='applies to')),
                        ('percent_off', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='percent off')),
                        ('amount_off', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='amount off')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('plan', models.ForeignKey(blank=True, help_text='Empty: every plan.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='discounts', to='catalog.plan', verbose_name='plan')),
                    ],
                    options={
                        'verbose_name': 'discount',
                        'verbose_name_plural': 'discounts',
                        'ordering': ['code'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='discount_validity_order'), models.CheckConstraint(condition=models.Q(models.Q(('amount_off__isnull', True), ('percent_off__gt', 0), ('percent_off__isnull', False), ('percent_off__lte', 100)), models.Q(('amount_off__gt', 0), ('amount_off__isnull', False), ('percent_off__isnull', True)), _connector='OR'), name='discount_percent_xor_amount')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
