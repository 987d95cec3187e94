"""How institution kinds and unit types are named to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from audit.orgs.models import InstitutionKind, UnitType

KIND_LABELS = {
    InstitutionKind.POLICE: _l("Police"),
    InstitutionKind.ARMED_FORCES: _l("Armed forces"),
    InstitutionKind.GENDARMERIE: _l("Gendarmerie"),
}

UNIT_TYPE_LABELS = {
    UnitType.HQ: _l("Headquarters"),
    UnitType.REGION: _l("Region or division"),
    UnitType.DISTRICT: _l("District or brigade"),
    UnitType.STATION: _l("Police station"),
    UnitType.BARRACKS: _l("Barracks or battalion"),
    UnitType.ACADEMY: _l("Academy or training school"),
    UnitType.DEPLOYING: _l("Deploying unit"),
    UnitType.SPECIALISED: _l("Specialised unit"),
}
