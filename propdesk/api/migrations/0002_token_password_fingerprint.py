import hashlib

from django.db import migrations, models


def fingerprint_existing_tokens(apps, schema_editor):
    """Tokens made before this migration keep working: they get the fingerprint of the current password."""
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user").filter(password_fingerprint=""):
        digest = hashlib.sha256(f"propdesk.api.token:{token.user.password}".encode()).hexdigest()
        ApiToken.objects.filter(pk=token.pk).update(password_fingerprint=digest)
    ApiToken.objects.filter(revoked_at__isnull=False, revoked_reason="").update(revoked_reason="by_user")


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="密码指纹"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("by_user", "手动吊销"),
                    ("password_changed", "密码已修改"),
                    ("user_deactivated", "账号已停用"),
                ],
                default="",
                max_length=20,
                verbose_name="吊销原因",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fingerprint_existing_tokens, migrations.RunPython.noop),
    ]
