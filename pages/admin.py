"""Accounts and audit (admins only): add an account, change role and schools, reset a password, disable or enable,
sign an account out everywhere, see the login delays in force and read the audit log."""

import streamlit as st

from dashboard import ui
from dashboard.present.data import accounts_table
from dashboard.services import accounts as admin

caller = ui.caller()
if not caller.may_open("admin"):  # the entrypoint checks too; a page never trusts that alone
    st.error("This page is not available for your role.")
    st.stop()

ui.page_header(
    "Accounts and audit",
    "Who may log in, what they may see, and what has been done. Passwords are "
    "stored only as bcrypt hashes; nobody can read one back.",
)
engine = ui.get_engine()
people = admin.all_accounts(engine)
school_names = ui.choices("schools").schools  # id -> name, in name order

st.subheader("Accounts")
st.dataframe(accounts_table(people).to_arrow(), width="stretch", hide_index=True)


def _report(done: bool, message: str) -> None:
    (st.success if done else st.error)(message)


with st.expander("Add an account"), st.form("admin_add", clear_on_submit=True):
    name = st.text_input("Username")
    display = st.text_input("Full name")
    role = st.selectbox("Role", admin.ROLES)
    schools = st.multiselect(
        "Schools (coach: several; principal: one)", list(school_names), format_func=lambda s: f"{school_names[s]} ({s})"
    )
    password = st.text_input("Initial password", type="password")
    if st.form_submit_button("Add account"):
        _report(*admin.add(engine, caller, name, role, password, schools, display))

usernames = [a.username for a in people]
if usernames:
    with st.expander("Change an account"), st.form("admin_change"):
        who = st.selectbox("Account", usernames)
        new_role = st.selectbox("Role", [admin.UNCHANGED, *admin.ROLES])
        new_schools = st.multiselect(
            "Schools (replaces the list; leave empty to keep it)",
            list(school_names),
            format_func=lambda s: f"{school_names[s]} ({s})",
        )
        new_password = st.text_input("New password (leave empty to keep it; a reset also unlocks)", type="password")
        state = st.radio("Status", list(admin.STATUSES), horizontal=True)
        if st.form_submit_button("Save changes"):
            _report(*admin.change(engine, caller, who, new_role, new_schools, new_password, state))
    with st.expander("Sign out everywhere"), st.form("admin_signout"):
        st.caption(
            "Ends every session and re-login cookie of the account (a lost laptop, a shared computer, someone who "
            "left). A new password, a change of role or schools and disabling do this too."
        )
        leaver = st.selectbox("Account", usernames, key="signout_who")
        if st.form_submit_button("Sign out everywhere"):
            _report(*admin.signout(engine, caller, leaver))

delays = admin.login_delays(engine)
if delays.height:
    st.subheader("Failed logins")
    st.caption(
        "Counted per client address and per name typed, and forgotten after a quiet hour. A client past its free "
        "attempts waits before each further one; a name is only slowed, never locked (SECURITY.md)."
    )
    ui.show_table(delays, "login_delays")
    if st.button("Clear the waits", key="clear_login_delays", help="Let every address try again now (audited)."):
        _report(*admin.clear_login_delays(engine, caller))

st.subheader("Audit log")
log = admin.audit_log(engine)
st.caption("Newest first: logins, failed logins, lockouts, account changes, loads, undos and downloads.")
ui.show_table(log, "audit_log")
