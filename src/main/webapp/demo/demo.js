// Demo chat on top of /switchboard.js: dev tokens, online users (members of the "lobby" room), rooms
// with live member counts, direct and room conversations. Served only while the dev token endpoint is on.
import { connect } from "../switchboard.js";

const LOBBY = "lobby";
/** The page's element with that id (the page is ours: each one exists). */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

const state = {
  /** @type {string | null} */
  me: null,
  /** @type {import("../switchboard.js").SwitchboardClient | null} */
  client: null,
  /** rooms this page joined (and was not removed from): their handles count members live */
  joined: new Set(),
  /** "user:bob" | "room:lobby" → {kind, name, items: [{id, ts, from, text, mine, notice}], ids: Set, unread} */
  conversations: new Map(),
  selected: null,
  /** room → members, from the last `rooms` listing (rooms this page is in are counted live instead) */
  listed: new Map(),
};
const ROOM_LIST_EVERY_MS = 5000;

// ---- sign in / out ----

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  $("sign-in-error").textContent = "";
  try {
    await devToken(name); // fails early with the server's reason (bad name, dev tokens off)
  } catch (e) {
    $("sign-in-error").textContent = e.message;
    return;
  }
  start(name);
});

$("sign-out").addEventListener("click", () => {
  state.client.close();
  location.reload();
});

async function devToken(user) {
  const response = await fetch("api/dev/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail || "Sign-in failed (" + response.status + ")");
  }
  return body.token;
}

/** One device id per browser and user, so a reload resumes from what this browser acknowledged. */
function deviceFor(user) {
  const key = "switchboard-demo-device:" + user;
  let device = localStorage.getItem(key);
  if (!device) {
    device = "web-" + Math.random().toString(36).slice(2, 10);
    localStorage.setItem(key, device);
  }
  return device;
}

function start(name) {
  state.me = name;
  $("sign-in").hidden = true;
  $("chat").hidden = false;
  $("sign-out").hidden = false;
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const client = connect({ url: url.toString(), getToken: () => devToken(name), device: deviceFor(name) });
  state.client = client;
  /** @type {any} */ (window).switchboard = client; // for the console (and the browser tests)

  client.on("open", (welcome) => setStatus("open", "connected as " + welcome.user + " to " + welcome.node));
  client.on("reconnecting", ({ delayMs }) => setStatus("reconnecting", "reconnecting in " + (delayMs / 1000).toFixed(1) + " s"));
  client.on("close", ({ code, reconnect }) => {
    if (!reconnect) setStatus("closed", "disconnected (" + code + ")");
  });
  client.on("error", (error) => {
    if (error.reason === "unauthorized" || error.reason === "signed-out") {
      setStatus("closed", error.reason === "signed-out" ? "signed out by the server" : "sign-in refused");
    }
  });
  client.on("message", onMessage);
  client.on("presence", onPresence);
  client.on("joined", () => renderSidebar());
  client.on("left", ({ room, reason }) => {
    if (reason) {
      state.joined.delete(room);
      addItem(conversation("room", room), { notice: true, text: "You were removed from " + room });
    }
    renderSidebar();
  });

  client.on("open", () => refreshRoomList());
  setInterval(refreshRoomList, ROOM_LIST_EVERY_MS);

  joinRoom(LOBBY);
  select("room:" + LOBBY);
}

/** The gateway's rooms this user may join (first page), for the sidebar. */
async function refreshRoomList() {
  if (state.client.state !== "open") return;
  try {
    const page = await state.client.listRooms({ limit: 50 });
    state.listed = new Map(page.rooms.map((r) => [r.room, r.members]));
    renderSidebar();
  } catch (e) {
    // shown again at the next refresh; the joined rooms stay current through presence events
  }
}

function setStatus(kind, text) {
  const status = $("status");
  status.dataset.state = kind;
  status.textContent = text;
}

// ---- incoming ----

function onMessage(frame) {
  const text = typeof frame.content === "object" && frame.content !== null && "text" in frame.content
    ? String(frame.content.text) : JSON.stringify(frame.content);
  if (frame.room) {
    addItem(conversation("room", frame.room), { id: frame.id, ts: frame.ts, from: frame.from, text, mine: frame.from === state.me });
  } else if (frame.type === "broadcast") {
    addItem(conversation("room", LOBBY), { id: frame.id, ts: frame.ts, from: frame.from, text: "(to everyone) " + text });
  } else {
    addItem(conversation("user", frame.from), { id: frame.id, ts: frame.ts, from: frame.from, text });
  }
}

function onPresence(frame) {
  addItem(conversation("room", frame.room), {
    notice: true,
    text: frame.user + (frame.event === "join" ? " joined" : " left") + " (" + frame.members + " here)",
  });
  renderSidebar();
}

// ---- conversations ----

function conversation(kind, name) {
  const key = kind + ":" + name;
  let c = state.conversations.get(key);
  if (!c) {
    c = { key, kind, name, items: [], ids: new Set(), unread: 0 };
    state.conversations.set(key, c);
  }
  return c;
}

function addItem(c, item) {
  if (item.id) {
    if (c.ids.has(item.id)) return; // history and live may overlap
    c.ids.add(item.id);
  }
  item.ts = item.ts || Date.now();
  c.items.push(item);
  c.items.sort((a, b) => a.ts - b.ts);
  if (state.selected === c.key) {
    renderLog();
  } else if (!item.notice && !item.mine) {
    c.unread++;
    renderSidebar();
  }
}

async function joinRoom(room) {
  const c = conversation("room", room);
  try {
    const handle = state.client.room(room);
    await handle.join();
    state.joined.add(room);
    const history = await handle.history({ limit: 50 });
    history.messages.forEach((m) => onMessage(m));
  } catch (e) {
    addItem(c, { notice: true, text: "Could not join " + room + ": " + e.message });
  }
  renderSidebar();
}

function select(key) {
  state.selected = key;
  const colon = key.indexOf(":");
  const c = conversation(key.slice(0, colon), key.slice(colon + 1));
  c.unread = 0;
  $("conversation-title").textContent = c.kind === "room" ? "# " + c.name : c.name;
  $("text").disabled = false;
  $("send").disabled = false;
  $("text").focus();
  renderSidebar();
  renderLog();
}

// ---- sending ----

$("compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  const c = state.conversations.get(state.selected);
  if (!text || !c) return;
  input.value = "";
  $("compose-error").textContent = "";
  try {
    if (c.kind === "room") {
      await state.client.room(c.name).publish({ text }); // echoed back as a room message
    } else {
      const ack = await state.client.send([c.name], { text });
      addItem(c, { id: ack.messageId, from: state.me, text, mine: true });
    }
  } catch (e) {
    input.value = text;
    $("compose-error").textContent = "Not sent: " + e.message;
  }
});

$("join-room").addEventListener("submit", (event) => {
  event.preventDefault();
  const room = $("room-name").value.trim();
  $("room-name").value = "";
  if (room) {
    joinRoom(room);
    select("room:" + room);
  }
});

// ---- rendering ----

function renderSidebar() {
  const lobby = state.client.room(LOBBY);
  const online = lobby.joined ? lobby.users.sort() : [];
  $("online-count").textContent = String(lobby.members);
  const peers = new Set(online);
  for (const c of state.conversations.values()) {
    if (c.kind === "user") peers.add(c.name); // keep people you talked to, even offline
  }
  $("users").replaceChildren(...[...peers].sort().map((user) => {
    const li = entry("user:" + user, user, online.includes(user) ? "" : "offline");
    li.dataset.user = user;
    if (user === state.me) {
      li.classList.add("me");
      li.firstChild.textContent = user + " (you)";
      li.onclick = null;
    }
    return li;
  }));
  const rooms = new Map(state.listed);
  const joined = new Set([...state.joined].filter((room) => state.client.room(room).joined));
  for (const room of joined) rooms.set(room, state.client.room(room).members);
  $("rooms").replaceChildren(...[...rooms.keys()].sort().map((room) => {
    const li = entry("room:" + room, "# " + room, String(rooms.get(room)));
    li.dataset.room = room;
    if (!joined.has(room)) {
      li.classList.add("not-joined");
      li.title = "Join " + room;
      li.onclick = () => { joinRoom(room); select("room:" + room); };
    }
    return li;
  }));
}

function entry(key, label, badge) {
  const li = document.createElement("li");
  const name = document.createElement("span");
  name.textContent = label;
  li.append(name);
  const c = state.conversations.get(key);
  if (c && c.unread > 0) {
    const unread = document.createElement("span");
    unread.className = "unread";
    unread.textContent = String(c.unread);
    name.append(unread);
  }
  if (badge) {
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = badge;
    li.append(count);
  }
  li.classList.toggle("selected", state.selected === key);
  li.onclick = () => select(key);
  return li;
}

function renderLog() {
  const c = state.conversations.get(state.selected);
  const log = $("log");
  log.replaceChildren(...(c ? c.items : []).map((item) => {
    const li = document.createElement("li");
    if (item.notice) {
      li.className = "notice";
      li.textContent = item.text;
      return li;
    }
    li.className = item.mine ? "mine" : "";
    if (item.id) li.dataset.id = item.id;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = item.from + " · " + new Date(item.ts).toLocaleTimeString();
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = item.text;
    li.append(meta, text);
    return li;
  }));
  log.scrollTop = log.scrollHeight;
}
