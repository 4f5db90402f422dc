"""Accounts and audit (admins only): add an account, change role and schools, reset a password, disable or enable,
and read the audit log."""

import streamlit as st

from dashboard.auth import access
from dashboard.auth import accounts
from dashboard.auth import audit
from dashboard.store import db
from dashboard import ui
from dashboard.present import views

caller = access.current()
if not caller.may_open("admin"):  # the entrypoint checks too; a page never trusts that alone
    st.error("This page is not available for your role.")
    st.stop()

ui.page_header("Accounts and audit", "Who may log in, what they may see, and what has been done. Passwords are "
               "stored only as bcrypt hashes; nobody can read one back.")
engine = ui.get_engine()
with db.reading(engine) as conn:
    people = accounts.all_accounts(conn)
school_names = ui.choices("schools").schools  # id -> name, in name order

st.subheader("Accounts")
st.dataframe(views.accounts_table(people).to_arrow(), width="stretch", hide_index=True)


def _done(message: str) -> None:
    st.success(message)


with st.expander("Add an account"):
    with st.form("admin_add", clear_on_submit=True):
        name = st.text_input("Username")
        display = st.text_input("Full name")
        role = st.selectbox("Role", accounts.ROLES)
        schools = st.multiselect("Schools (coach: several; principal: one)", list(school_names),
                                 format_func=lambda s: f"{school_names[s]} ({s})")
        password = st.text_input("Initial password", type="password")
        if st.form_submit_button("Add account"):
            try:
                accounts.add(engine, name, role, password, schools=schools, display_name=display or None,
                             by=caller.username)
                _done(f"Added {name}.")
            except accounts.AccountError as exc:
                st.error(str(exc))

usernames = [a.username for a in people]
if usernames:
    with st.expander("Change an account"):
        with st.form("admin_change"):
            who = st.selectbox("Account", usernames)
            new_role = st.selectbox("Role", ["(unchanged)", *accounts.ROLES])
            new_schools = st.multiselect("Schools (replaces the list; leave empty to keep it)", list(school_names),
                                         format_func=lambda s: f"{school_names[s]} ({s})")
            new_password = st.text_input("New password (leave empty to keep it; a reset also unlocks)",
                                         type="password")
            state = st.radio("Status", ["(unchanged)", "active", "disabled"], horizontal=True)
            if st.form_submit_button("Save changes"):
                try:
                    if who == caller.username and (state == "disabled" or new_role not in ("(unchanged)", "admin")):
                        raise accounts.AccountError("you cannot disable your own account or drop your own admin role")
                    accounts.update(engine, who, role=None if new_role == "(unchanged)" else new_role,
                                    schools=new_schools or None, password=new_password or None,
                                    active=None if state == "(unchanged)" else state == "active", by=caller.username)
                    _done(f"Saved {who}.")
                except accounts.AccountError as exc:
                    st.error(str(exc))

st.subheader("Audit log")
with db.reading(engine) as conn:
    log = audit.read(conn, limit=2000)
st.caption("Newest first: logins, failed logins, lockouts, account changes, loads, undos and downloads.")
ui.show_table(log, "audit_log")
