"""Input rules for users and memberships."""

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from portal.auth.models import ROLES
from portal.catalog.schemas import SLUG, check_email, slug_message


class UserSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Regexp(SLUG, error=slug_message))
    email = fields.String(required=True)
    password = fields.String(
        required=True, load_only=True,
        validate=validate.Length(
            min=8, error=_l("La contraseña debe tener al menos 8 caracteres.")),
    )
    fullname = fields.String(load_default="")
    sysadmin = fields.Boolean(load_default=False)

    @validates("email")
    def _email(self, value: str, **_kwargs) -> None:
        if not value:
            raise ValidationError(_l("Indique un correo electrónico."))
        check_email(value)


class MembershipSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
