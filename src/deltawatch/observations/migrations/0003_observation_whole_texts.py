# Issue 11, item 3: what a file said (value text, unit text, source) is stored whole, as text,
# instead of being cut to 64/30/300 characters on the way in. varchar → text is a catalogue-only
# change on PostgreSQL; SQLite rebuilds the table.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('observations', '0002_qualifier_note'),
    ]

    operations = [
        migrations.AlterField(
            model_name='observation',
            name='source',
            field=models.TextField(blank=True, verbose_name='来源'),
        ),
        migrations.AlterField(
            model_name='observation',
            name='unit_supplied',
            field=models.TextField(blank=True, verbose_name='原始单位'),
        ),
        migrations.AlterField(
            model_name='observation',
            name='value_supplied',
            field=models.TextField(blank=True, verbose_name='原始数值'),
        ),
    ]
