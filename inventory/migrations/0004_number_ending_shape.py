
"""The shape of a number's last four digits (AABB ...), computed by the database from the number (a stored
generated column: PostgreSQL rewrites the table once, about a minute for a million numbers), and two indexes of
the numbers with a narrow shape, in number order: by shape for the pattern search, by last four digits for the
ending search."""

from django.db import migrations, models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Right, Substr
from django.db.models.lookups import Exact

SHAPES = ["AAAA", "AAAB", "AABA", "AABB", "AABC", "ABAA", "ABAB", "ABAC", "ABBA", "ABBB", "ABBC", "ABCA", "ABCB",
          "ABCC", "ABCD"]
NARROW_SHAPES = ("AAAA", "AAAB", "AABA", "AABB", "ABAA", "ABAB", "ABBA", "ABBB")


def ending_shape_expression(field):
    """A copy of inventory.models._ending_shape_expression as it was when this migration was written."""
    digits = [Substr(Right(field, 4), i + 1, 1) for i in range(4)]

    def condition(shape):
        pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
        return Q(*(Exact(digits[i], digits[j]) if shape[i] == shape[j] else ~Q(Exact(digits[i], digits[j]))
                   for i, j in pairs))

    return Case(*(When(condition(shape), then=Value(shape)) for shape in SHAPES), default=Value(""))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_plan_max_secondary_cards'),
        ('inventory', '0003_sim_stock_in_pick_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='numberresource',
            name='ending_shape',
            field=models.GeneratedField(db_persist=True, expression=ending_shape_expression("msisdn"),
                                        output_field=models.CharField(max_length=4),
                                        verbose_name="shape of the ending"),
        ),
        migrations.AddIndex(
            model_name='numberresource',
            index=models.Index(condition=models.Q(ending_shape__in=NARROW_SHAPES), fields=['ending_shape', 'msisdn'],
                               name='number_ending_shape_idx'),
        ),
        migrations.AddIndex(
            model_name='numberresource',
            index=models.Index(Right('msisdn', 4), models.F('msisdn'), condition=models.Q(ending_shape__in=NARROW_SHAPES),
                               name='number_narrow_ending_idx'),
        ),
    ]
