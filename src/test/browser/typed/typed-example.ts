// A TypeScript application of the browser client, type-checked against switchboard.d.ts by `tsc` (strict) and
// run in Chromium by types.test.mjs: two users in two rooms, through room handles.
import { connect, SwitchboardClient, type RoomMessageFrame } from "/switchboard.js";

export interface RoundTrip {
  /** The room texts each handle heard, in order. */
  heardInRed: string[];
  heardInBlue: string[];
  /** What the client-wide listener heard: every room's messages. */
  heardByClient: string[];
  /** Texts that reached a listener after `off` removed it (none expected). */
  heardAfterOff: string[];
  membersOfRed: number;
  usersOfRed: string[];
  joinedAfterLeave: boolean;
  /** The rooms the deprecated `joinedRooms()` lists, after the blue one was left. */
  listedByTheOldCall: string[];
}

function textOf(frame: RoomMessageFrame): string {
  const content = frame.content;
  return typeof content === "string" ? content : JSON.stringify(content);
}

function opened(client: SwitchboardClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === "open") {
      resolve();
      return;
    }
    const stop = client.on("open", () => {
      stop();
      resolve();
    });
  });
}

/** `alice` and `bob` join two rooms; bob publishes to each; what alice's handles and listeners heard. */
export async function roundTrip(url: string, token: (user: string) => Promise<string>, alice: string, bob: string,
    red: string, blue: string): Promise<RoundTrip> {
  const a = connect({ url, getToken: () => token(alice), device: "typed-example" });
  const b = connect({ url, getToken: () => token(bob) });
  await Promise.all([opened(a), opened(b)]);
  const result: RoundTrip = { heardInRed: [], heardInBlue: [], heardByClient: [], heardAfterOff: [], membersOfRed: 0,
    usersOfRed: [], joinedAfterLeave: true, listedByTheOldCall: [] };

  const redOfAlice = a.room(red);
  const blueOfAlice = a.room(blue);
  redOfAlice.on("message", (m) => result.heardInRed.push(textOf(m)));
  const toBlue = (m: RoomMessageFrame) => result.heardInBlue.push(textOf(m));
  blueOfAlice.on("message", toBlue);
  a.on("message", (m) => {
    if (m.room) {
      result.heardByClient.push(textOf(m as RoomMessageFrame));
    }
  });
  await redOfAlice.join();
  await blueOfAlice.join();
  await b.room(red).join();
  await b.room(blue).join();

  await b.room(red).publish("red 1");
  await b.room(blue).publish("blue 1");
  await until(() => result.heardInRed.length === 1 && result.heardInBlue.length === 1);

  blueOfAlice.off("message", toBlue);
  const late = (m: RoomMessageFrame) => result.heardAfterOff.push(textOf(m));
  const stopLate = blueOfAlice.on("message", late);
  stopLate(); // the function `on` returns removes it too
  await b.room(blue).publish("blue 2");
  await b.room(red).publish("red 2");
  await until(() => result.heardInRed.length === 2);

  result.membersOfRed = redOfAlice.members;
  result.usersOfRed = redOfAlice.users.sort();
  await blueOfAlice.leave();
  result.joinedAfterLeave = blueOfAlice.joined;
  await b.publish(red, "red 3, the old call"); // deprecated, still served
  await until(() => result.heardInRed.length === 3);
  result.listedByTheOldCall = a.joinedRooms().map((r) => r.room);
  a.close();
  b.close();
  return result;
}

function until(condition: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) {
        resolve();
      } else if (Date.now() > deadline) {
        reject(new Error("not within " + timeoutMs + " ms"));
      } else {
        setTimeout(check, 20);
      }
    };
    check();
  });
}

// What the declarations must refuse (tsc fails if any of these compiles):
export function misuse(client: SwitchboardClient): void {
  // @ts-expect-error rooms have no "open" event
  client.room("x").on("open", () => {});
  // @ts-expect-error a room message listener gets a frame, not a string
  client.room("x").on("message", (text: number) => text);
  // @ts-expect-error state is read-only
  client.state = "open";
  // @ts-expect-error recipients are user ids
  client.send([42], "hi");
  // @ts-expect-error internals are private
  client.socket;
}
