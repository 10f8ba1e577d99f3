"""Who may open which learning-data page (the data itself is scoped by cms.scoping)."""

from cms.roles import is_supervisor, is_trainer


def may_see_people_data(user) -> bool:
    """Figures about named people and units: superusers and supervisors."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or is_supervisor(user))
    )


def may_see_content_aggregates(user) -> bool:
    """Aggregates per lesson, decision and instructor type, never names."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or is_trainer(user) or is_supervisor(user))
    )
