"""The account mails (a password reset link, an invitation), in the recipient's language: the
account's own language when the address has an account, else the workspace's."""

from atrium.platform.auth.models import Role

_RESET = {
    "en": (
        "Reset your Atrium password",
        "Someone (we hope you) asked to reset the password of your Atrium account.\n\n"
        "Choose a new password here within an hour:\n{link}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
    ),
    "ru": (
        "Сброс пароля в Atrium",
        "Кто-то (надеемся, вы) попросил сбросить пароль вашей учётной записи Atrium.\n\n"
        "Задайте новый пароль по этой ссылке в течение часа:\n{link}\n\n"
        "Если это были не вы, просто не отвечайте на письмо: пароль останется прежним.\n",
    ),
}
_INVITATION = {
    "en": (
        "{inviter} invites you to {workspace} on Atrium",
        "{inviter} invites you to join {workspace} on Atrium as {role}.\n\n"
        "Accept within 7 days here:\n{link}\n\n"
        "If you do not know this workspace, ignore this message.\n",
    ),
    "ru": (
        "{inviter} приглашает вас в {workspace} в Atrium",
        "{inviter} приглашает вас в рабочее пространство {workspace} в Atrium, роль — {role}.\n\n"
        "Примите приглашение в течение 7 дней по ссылке:\n{link}\n\n"
        "Если вы не знаете это пространство, просто не отвечайте на письмо.\n",
    ),
}
_ROLES = {
    "en": {},  # the role's own name
    "ru": {
        Role.OWNER: "владелец",
        Role.ADMIN: "администратор",
        Role.MANAGER: "менеджер",
        Role.EMPLOYEE: "сотрудник",
    },
}


def mail_language(*choices: str | None) -> str:
    """The first of ``choices`` the mails are written in; else English."""
    return next((choice for choice in choices if choice in _RESET), "en")


def reset_mail(language: str, link: str) -> tuple[str, str]:
    """(subject, text) of the password reset mail."""
    subject, text = _RESET[mail_language(language)]
    return subject, text.format(link=link)


def invitation_mail(
    language: str, *, inviter: str, workspace: str, role: Role, link: str
) -> tuple[str, str]:
    """(subject, text) of the invitation mail."""
    language = mail_language(language)
    subject, text = _INVITATION[language]
    values = {
        "inviter": inviter,
        "workspace": workspace,
        "role": _ROLES[language].get(role, role.value),
        "link": link,
    }
    return subject.format(**values), text.format(**values)
