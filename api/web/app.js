// The co-op's web page: plain JavaScript, no framework, no CDN. Talks to the API of the same
// origin, and to the member's wallet through EIP-1193 (window.ethereum). The API builds every
// transaction and ballot, so this page needs no ABI.
"use strict";

const state = { lang: "en", messages: {}, account: null, view: "member" };
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ i18n
function t(key, params = {}) {
  const template = state.messages[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

async function setLanguage(lang) {
  const chosen = ["en", "fr"].includes(lang) ? lang : "en";
  state.messages = await (await fetch(`/web/i18n/${chosen}.json`)).json();
  state.lang = chosen;
  document.documentElement.lang = chosen;
  $("lang").value = chosen;
  localStorage.setItem("lang", chosen);
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.title = t("title");
  await render();
}

// ------------------------------------------------------------------ helpers
function eth(wei) {
  const value = BigInt(wei ?? 0);
  const whole = value / 10n ** 18n;
  const frac = (value % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "").slice(0, 6);
  return frac ? `${whole}.${frac}` : `${whole}`;
}

function toWei(text) {
  const [whole, frac = ""] = String(text).trim().split(".");
  if (!/^\d+$/.test(whole || "0") || !/^\d*$/.test(frac) || frac.length > 18) throw new Error(`not an amount: ${text}`);
  return (BigInt(whole || "0") * 10n ** 18n + BigInt(frac.padEnd(18, "0") || "0")).toString();
}

function say(message, isError = false) {
  const el = $("status");
  el.textContent = message;
  el.className = isError ? "bad" : "";
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || `${response.status} ${response.statusText}`);
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function guarded(action) {
  try {
    await action();
  } catch (error) {
    say(t("error", { message: error.message || String(error) }), true);
  }
}

// ------------------------------------------------------------------ wallet
async function connect() {
  if (!window.ethereum) return say(t("no_wallet"), true);
  const [account] = await window.ethereum.request({ method: "eth_requestAccounts" });
  state.account = account;
  $("account").textContent = t("connected", { account });
  await render();
}

async function sendTx(tx) {
  if (!state.account) await connect();
  const hash = await window.ethereum.request({
    method: "eth_sendTransaction",
    params: [{ from: state.account, to: tx.to, value: tx.value, data: tx.data }],
  });
  say(t("tx.sent", { tx: hash }));
  return hash;
}

// ------------------------------------------------------------------ profile (Sign-In with Ethereum)
async function signIn() {
  if (!state.account) await connect();
  const { nonce } = await api("/api/auth/nonce");
  const chainId = parseInt(await window.ethereum.request({ method: "eth_chainId" }), 16);
  const message = [
    `${location.host} wants you to sign in with your Ethereum account:`, state.account, "",
    t("profile.statement"), "", `URI: ${location.origin}`, "Version: 1", `Chain ID: ${chainId}`,
    `Nonce: ${nonce}`, `Issued At: ${new Date().toISOString()}`,
  ].join("\n");
  const hex = "0x" + [...new TextEncoder().encode(message)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const signature = await window.ethereum.request({ method: "personal_sign", params: [hex, state.account] });
  const { token } = await api("/api/auth/login", { message, signature });
  state.token = token;
  $("profile-form").hidden = false;
  const response = await fetch("/api/profile", { headers: { Authorization: `Bearer ${token}` } });
  if (response.ok) {
    const p = await response.json();
    $("profile-name").value = p.display_name; $("profile-contact").value = p.contact; $("profile-consent").checked = p.consent;
  }
}

async function profileRequest(method, body) {
  const response = await fetch("/api/profile", {
    method, headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail || response.statusText);
  return response;
}

// ------------------------------------------------------------------ member view
function percent(x) {
  return (Math.round(Number(x) * 1000) / 10).toString();
}

function short(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "-";
}

function date(seconds) {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}

async function renderSummary() {
  const s = await api("/api/summary");
  const items = [
    ["summary.members", s.members], ["summary.voters", s.voters ?? "-"], ["summary.pending", s.pending_applications ?? 0],
    ["summary.capital", eth(s.capital)], ["summary.reserve", eth(s.reserve)],
    ["summary.open_proposals", s.open_proposals],
    ["summary.policy", s.admission_policy ? t(`policy.${s.admission_policy}`) : "-"],
    ["summary.seniority", s.voting_seniority ?? 0], ["summary.indexed_block", s.indexed_block ?? "-"],
  ];
  $("summary").replaceChildren(...items.map(([key, value]) => el("div", {}, el("dt", {}, t(key)), el("dd", {}, String(value)))));
  const surge = s.surge;
  const banner = $("surge");
  banner.hidden = !(surge && surge.warning);
  banner.textContent = banner.hidden ? "" : t("surge.warning", {
    count: surge.admissions_in_window, window: surge.window_blocks,
    share: percent(surge.share_of_register), threshold: percent(surge.threshold),
  });
}

async function renderApplications() {
  const { items } = await api("/api/applications");
  if (!items.length) return $("applications").replaceChildren(el("li", {}, t("applications.none")));
  $("applications").replaceChildren(...items.map((a) => el("li", { "data-application": a.account },
    t("applications.item", { account: a.account, shares: a.shares, amount: eth(a.amount), block: a.applied_block, blocks: a.age_blocks })
      + (a.age_seconds === null ? "" : t("applications.seconds", { hours: (a.age_seconds / 3600).toFixed(1) })))));
}

async function renderCommittee() {
  const c = await api("/api/committee");
  $("committee-window").textContent = c.contest_window === null ? "" : t("committee.window", { days: (c.contest_window / 86400).toString() });
  $("committee-seats").replaceChildren(...c.seats.map((s) => el("li", { "data-seat": String(s.seat) },
    s.holder ? `${t("committee.seat", { seat: s.seat + 1, holder: s.holder, until: date(s.term_end) })} · ${t(s.in_force ? "committee.in_force" : "committee.not_in_force")}`
      : t("committee.seat_empty", { seat: s.seat + 1 }))));
  if (!c.admissions.length) return $("committee-admissions").replaceChildren(el("li", {}, t("committee.none")));
  $("committee-admissions").replaceChildren(...c.admissions.map((a) => el("li", { "data-admitted": a.account },
    [t("committee.admission", { by: short(a.admitted_by), account: a.account, attestation: a.attestation.slice(0, 10) + "…", deadline: date(a.contest_deadline) }),
      ...(a.contested ? [t("committee.contested")] : []), ...(a.annulled ? [t("committee.annulled")] : [])].join(" · "))));
}

async function renderMe() {
  $("move-form").hidden = true;
  if (!state.account) return $("me").replaceChildren(el("p", {}, t("me.connect_first")));
  try {
    const me = await api(`/api/members/${state.account}`);
    const cur = me.current;
    if (!cur || cur.status === "none") return $("me").replaceChildren(el("p", {}, t("me.none")));
    const lines = [el("p", {}, t("me.status", { status: t(`status.${cur.status}`), shares: cur.shares, capital: eth(cur.capital) }))];
    if (cur.status === "moved" && me.moved_to) lines.push(el("p", {}, t("me.moved", { account: me.moved_to })));
    if (cur.status === "active" && cur.votes_from) lines.push(el("p", { id: "me-seniority" }, t("me.votes_from", { block: cur.votes_from })));
    else if (cur.status === "active" && cur.seniority_until !== null) lines.push(el("p", { id: "me-seniority" }, t("me.seniority_until", { block: cur.seniority_until })));
    if (cur.can_enfranchise) {
      lines.push(el("button", { type: "button", id: "enfranchise", onclick: () => guarded(async () => {
        await sendTx(await api("/api/tx/enfranchise", { accounts: [state.account] }));
      }) }, t("me.enfranchise")));
    }
    if (me.person && me.person.previous_accounts.length && cur.status !== "moved") {
      lines.push(el("p", {}, t("me.previous", { accounts: me.person.previous_accounts.join(", ") })));
    }
    $("move-form").hidden = !["active", "suspended"].includes(cur.status);
    $("me").replaceChildren(...lines);
  } catch (_) {
    $("me").replaceChildren(el("p", {}, t("me.none")));
  }
}

function voteControls(p) {
  const reasonId = `reason-${p.proposal_id.slice(0, 10)}`;
  const supportId = `support-${p.proposal_id.slice(0, 10)}`;
  const select = el("select", { id: supportId },
    el("option", { value: "1" }, t("vote.for")), el("option", { value: "0" }, t("vote.against")),
    el("option", { value: "2" }, t("vote.abstain")));
  const reason = el("input", { id: reasonId, type: "text" });
  const sign = el("button", { type: "button", onclick: () => guarded(async () => {
    if (!state.account) await connect();
    const support = Number(select.value);
    const typed = await api(`/api/proposals/${p.proposal_id}/ballot?voter=${state.account}&support=${support}`);
    const signature = await window.ethereum.request({ method: "eth_signTypedData_v4", params: [state.account, JSON.stringify(typed)] });
    const out = await api("/api/relay/vote", { proposal_id: p.proposal_id, support, voter: state.account, signature, chain_id: typed.domain.chainId });
    say(t("vote.relayed", { tx: out.tx_hash }));
  }) }, t("vote.sign"));
  const send = el("button", { type: "button", onclick: () => guarded(async () => {
    const tx = await api("/api/tx/vote", { proposal_id: p.proposal_id, support: Number(select.value), reason: reason.value });
    await sendTx(tx);
  }) }, t("vote.send"));
  return el("div", { class: "actions" },
    el("label", { for: supportId }, t("vote.choice")), select,
    el("label", { for: reasonId }, t("vote.reason")), reason, sign, send);
}

function lifecycleControls(p) {
  const step = p.state === "Succeeded" ? "queue" : p.state === "Queued" ? "execute" : null;
  if (!step) return null;
  return el("div", { class: "actions" }, el("button", { type: "button", onclick: () => guarded(async () => {
    const detail = await api(`/api/proposals/${p.proposal_id}`);
    const actions = detail.actions.map((a) => ({ target: a.target, value: a.value, calldata: a.calldata }));
    await sendTx(await api(`/api/tx/${step}`, { actions, description: detail.description }));
  }) }, t(step)));
}

async function renderProposals() {
  const { items } = await api("/api/proposals?limit=50");
  if (!items.length) return $("proposals").replaceChildren(el("li", {}, t("proposals.none")));
  $("proposals").replaceChildren(...items.map((p) => {
    const card = el("li", { "data-proposal": p.proposal_id, "data-state": p.state },
      el("h3", {}, p.title || p.proposal_id.slice(0, 12)),
      el("p", {}, t("proposal.state", { state: t(`state.${p.state}`) })),
      el("p", {}, t("proposal.tally", { for: p.votes.for, against: p.votes.against, abstain: p.votes.abstain, quorum: p.quorum })));
    if (p.surge && p.surge.warning) {
      card.append(el("p", { class: "banner", "data-surge": "true" }, t("proposal.surge", {
        growth: percent(p.surge.growth), window: p.surge.window_blocks, before: p.surge.voters_before, after: p.surge.voters_at_snapshot,
      })));
    }
    if (p.state === "Active") card.append(voteControls(p));
    const more = lifecycleControls(p);
    if (more) card.append(more);
    return card;
  }));
}

async function renderRewards() {
  const { items } = await api("/api/periods");
  const allocated = items.filter((p) => p.allocation);
  if (!allocated.length) return $("rewards").replaceChildren(el("li", {}, t("rewards.none")));
  $("rewards").replaceChildren(...allocated.map((p) => el("li", {},
    el("p", {}, t("rewards.period", { period: p.period_id, funded: eth(p.allocation.funded), claimed: eth(p.allocation.claimed) })),
    el("button", { type: "button", onclick: () => guarded(async () => sendTx(await api("/api/tx/claim", { period_id: p.period_id }))) }, t("rewards.claim")))));
}

// ------------------------------------------------------------------ auditor and statutes
async function renderAuditor() {
  const { tables } = await api("/api/export");
  $("exports").replaceChildren(...tables.map((name) => el("li", {},
    el("a", { href: `/api/export/${name}.csv` }, `${name}.csv`), " · ", el("a", { href: `/api/export/${name}.json` }, "json"))));
  const { items } = await api("/api/events?limit=50");
  $("events").querySelector("tbody").replaceChildren(...items.map((e) => el("tr", {},
    el("td", {}, String(e.block_number)), el("td", {}, `${e.contract}.${e.event}`), el("td", {}, `${e.tx_hash}#${e.log_index}`))));
}

async function runAudit() {
  const report = await api("/api/audit");
  $("audit").replaceChildren(
    el("li", { class: report.ok ? "ok" : "bad" }, t(report.ok ? "audit.ok" : "audit.bad", { block: report.block })),
    ...report.checks.map((c) => el("li", { class: c.ok ? "ok" : "bad" }, `${c.name}: ${c.summary}`)));
}

function statuteValue(s, value) {
  if (value === null || value === undefined) return "?";
  if (s.name === "sharePrice") return eth(value);
  if (s.unit === "seconds") return s.name === "timelockDelay" ? (Number(value) / 3600).toString() : (Number(value) / 86400).toString();
  if (s.unit === "bps") return (Number(value) / 100).toString();
  if (s.name === "admissionPolicy") return t(`statute.admissionPolicy.${value}`);
  return String(value);
}

async function renderStatutes() {
  const { items } = await api("/api/statutes");
  $("statute-list").replaceChildren(...items.map((s) => el("li", { "data-statute": s.name },
    el("p", {}, t(`statute.${s.name}`, { value: statuteValue(s, s.value) })),
    el("details", {}, el("summary", {}, t("statutes.history")), el("ul", {}, ...s.history.map((h) => el("li", {},
      `${statuteValue(s, h.old)} → ${statuteValue(s, h.new)} · #${h.block_number} · `,
      h.proposal_id ? t("statutes.by_proposal", { id: h.proposal_id.slice(0, 12) + "…" }) : t("statutes.at_deployment"))))))));
}

// ------------------------------------------------------------------ views
async function render() {
  await guarded(async () => {
    if (state.view === "member") {
      await Promise.all([renderSummary(), renderMe(), renderApplications(), renderCommittee(), renderProposals(), renderRewards()]);
    }
    if (state.view === "auditor") await renderAuditor();
    if (state.view === "statutes") await renderStatutes();
  });
}

function show(view) {
  state.view = view;
  document.querySelectorAll("nav button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === view)));
  document.querySelectorAll(".view").forEach((s) => { s.hidden = s.id !== view; });
  render();
}

function wireForms() {
  $("join-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    await sendTx(await api("/api/tx/join", { shares: Number($("join-shares").value) }));
    await render();
  }); });
  $("move-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    await sendTx(await api("/api/tx/move", { new_account: $("move-account").value.trim() }));
  }); });
  $("points-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    const rows = $("points-lines").value.split("\n").map((l) => l.split(",").map((x) => x.trim())).filter((r) => r[0]);
    await sendTx(await api("/api/tx/record-points", {
      period_id: Number($("points-period").value), accounts: rows.map((r) => r[0]), points: rows.map((r) => r[1] || "0"),
      reason: $("points-reason").value,
    }));
  }); });
  $("close-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    await sendTx(await api("/api/tx/close-period", { period_id: Number($("close-period").value) }));
  }); });
  $("alloc-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    await sendTx(await api("/api/tx/allocation-proposal", {
      period_id: Number($("alloc-period").value), amount: toWei($("alloc-amount").value),
      reserve_bps: Math.round(Number($("alloc-reserve").value) * 100), interest_bps: Math.round(Number($("alloc-interest").value) * 100),
      claim_days: Number($("alloc-days").value), description: $("alloc-desc").value,
    }));
  }); });
  $("run-audit").addEventListener("click", () => guarded(runAudit));
  $("signin").addEventListener("click", () => guarded(signIn));
  $("profile-form").addEventListener("submit", (e) => { e.preventDefault(); guarded(async () => {
    await profileRequest("PUT", { display_name: $("profile-name").value, contact: $("profile-contact").value, consent: $("profile-consent").checked });
    say(t("profile.saved"));
  }); });
  $("profile-export").addEventListener("click", () => guarded(async () => {
    const response = await fetch("/api/profile/export", { headers: { Authorization: `Bearer ${state.token}` } });
    const url = URL.createObjectURL(await response.blob());
    el("a", { href: url, download: "my-coop-data.json" }).click();
  }));
  $("profile-erase").addEventListener("click", () => guarded(async () => {
    await profileRequest("DELETE");
    $("profile-name").value = ""; $("profile-contact").value = ""; $("profile-consent").checked = false;
    $("profile-form").hidden = true; state.token = null;
    say(t("profile.erased"));
  }));
}

window.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => show(b.dataset.view)));
  $("connect").addEventListener("click", () => guarded(connect));
  $("lang").addEventListener("change", (e) => setLanguage(e.target.value));
  wireForms();
  const preferred = localStorage.getItem("lang") || (navigator.language || "en").slice(0, 2);
  setLanguage(preferred);
});
