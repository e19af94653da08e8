# Issue 14: sub-annual values. An observation gets a period ('' the year, 'Q1'–'Q4', 'M01'–'M12',
# the codes of reporting.ReportingCycle.period) and the period joins both unique constraints, so a
# quarterly cycle's value and the annual value of the same year coexist. Existing rows become
# annual (''), as they are. ``objects`` now reads annual rows only; ``all_periods`` (the default
# manager, used by the admin, dumpdata and related managers) reads every row.
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_target_base_year'),
        ('observations', '0003_observation_whole_texts'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='observation',
            options={'default_manager_name': 'all_periods', 'ordering': ['indicator_id', 'region_id', 'year', 'period', '-revision'], 'verbose_name': '观测值', 'verbose_name_plural': '观测值'},
        ),
        migrations.AlterModelManagers(
            name='observation',
            managers=[
                ('all_periods', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='observation',
            name='observation_revision_unique',
        ),
        migrations.RemoveConstraint(
            model_name='observation',
            name='observation_one_current',
        ),
        migrations.AddField(
            model_name='observation',
            name='period',
            field=models.CharField(blank=True, choices=[('', '全年'), ('Q1', 'Q1'), ('Q2', 'Q2'), ('Q3', 'Q3'), ('Q4', 'Q4'), ('M01', 'M01'), ('M02', 'M02'), ('M03', 'M03'), ('M04', 'M04'), ('M05', 'M05'), ('M06', 'M06'), ('M07', 'M07'), ('M08', 'M08'), ('M09', 'M09'), ('M10', 'M10'), ('M11', 'M11'), ('M12', 'M12')], db_default='', default='', help_text='年度值留空；季度 Q1–Q4；月度 M01–M12', max_length=3, verbose_name='报告期'),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.UniqueConstraint(fields=('indicator', 'region', 'year', 'period', 'revision'), name='observation_revision_unique'),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('indicator', 'region', 'year', 'period'), name='observation_one_current'),
        ),
    ]
