"""Copy-ready snippets that point a team's client at the desk's operator (pure; no Qt).

One per official SDK (Python, Java, Android, iOS), Node.js (no official server-side SDK: the
v2 envelope by hand with ``node:crypto``, as the guide's encryption page describes it) and
curl. Each is filled in from :class:`~uid2_desk.ui.connect.connect_facts.ConnectFacts`; given
a masked copy, the snippets show masked values, so what is on screen never holds a secret
the person did not ask to see.
"""

from __future__ import annotations

from string import Template

from uid2_desk.ui.connect.connect_facts import ConnectFacts

_PYTHON = Template("""\
# pip install uid2-client
from uid2_client import TokenGenerateInput, Uid2PublisherClient

client = Uid2PublisherClient(
    "$base_url",
    "$publisher_key",
    "$publisher_secret",
)
response = client.generate_token(TokenGenerateInput.from_email("user@example.com"))
identity = response.get_identity()
print(identity.get_advertising_token())
refreshed = client.refresh_token(identity)  # once identity.refresh_from has passed
""")

_JAVA = Template("""\
// com.uid2:uid2-client
import com.uid2.client.*;

PublisherUid2Client client = new PublisherUid2Client(
    "$base_url",
    "$publisher_key",
    "$publisher_secret");
TokenGenerateResponse response =
    client.generateTokenResponse(TokenGenerateInput.fromEmail("user@example.com"));
IdentityTokens identity = response.getIdentity();
System.out.println(identity.getAdvertisingToken());
""")

_NODE = Template("""\
// Node.js 18+: no official server-side SDK; the v2 envelope with node:crypto.
const crypto = require("node:crypto");
const BASE_URL = "$base_url";
const API_KEY = "$publisher_key";
const SECRET = Buffer.from("$publisher_secret", "base64");

async function v2(path, payload) {
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(BigInt(Date.now()));   // request time, ms
  crypto.randomBytes(8).copy(head, 8);        // nonce, echoed in the reply
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", SECRET, iv);
  const sealed = Buffer.concat([
    Buffer.from([1]), iv,
    cipher.update(Buffer.concat([head, Buffer.from(JSON.stringify(payload))])),
    cipher.final(), cipher.getAuthTag(),
  ]);
  const res = await fetch(BASE_URL + path, {
    method: "POST",
    headers: { Authorization: `Bearer $${API_KEY}` },
    body: sealed.toString("base64"),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`$${res.status} $${text}`);
  const reply = Buffer.from(text, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", SECRET, reply.subarray(0, 12));
  decipher.setAuthTag(reply.subarray(reply.length - 16));
  const plain = Buffer.concat([
    decipher.update(reply.subarray(12, reply.length - 16)), decipher.final(),
  ]);
  return JSON.parse(plain.subarray(16).toString("utf8"));  // after time and nonce
}

v2("/v2/token/generate", { email: "user@example.com" })
  .then((reply) => console.log(reply.status, reply.body.advertising_token));
""")

_ANDROID = Template("""\
// com.uid2:uid2-android-sdk (client-side generate; on a device use the LAN address)
UID2Manager.init(
    context = this,
    UID2Manager.Environment.Custom("$base_url"),
)
UID2Manager.getInstance().generateIdentity(
    IdentityRequest.Email("user@example.com"),
    subscriptionId = "$subscription_id",
    publicKey = "$server_public_key",
) { result -> Log.i("UID2", "generate: $$result") }
""")

_IOS = Template("""\
// UID2 SDK for iOS (client-side generate; on a device use the LAN address)
// Must be set before UID2Manager.shared is accessed.
UID2Settings.shared.environment = .custom(url: URL(string: "$base_url")!)
try await UID2Manager.shared.generateIdentity(
    .email("user@example.com"),
    subscriptionID: "$subscription_id",
    serverPublicKey: "$server_public_key",
    appName: Bundle.main.bundleIdentifier
)
""")

_CURL = Template("""\
# The operator is up:
curl -s "$base_url/ops/healthcheck"

# v2 bodies are encrypted, so curl alone cannot generate a token; a plain JSON body is
# refused (400), and the desk's log explains why and what to do:
curl -s -X POST "$base_url/v2/token/generate" \\
  -H "Authorization: Bearer $publisher_key" \\
  -d '{"email": "user@example.com"}'
""")

#: The snippets' tab titles and templates, in the dialog's order.
SNIPPETS: tuple[tuple[str, Template], ...] = (
    ("Python", _PYTHON),
    ("Java", _JAVA),
    ("Node.js", _NODE),
    ("Android", _ANDROID),
    ("iOS", _IOS),
    ("curl", _CURL),
)


def snippet(name: str, facts: ConnectFacts) -> str:
    """The snippet titled ``name`` filled in with ``facts`` (masked facts: masked text)."""
    template = dict(SNIPPETS)[name]
    return template.substitute(
        base_url=facts.base_url,
        publisher_key=facts.publisher_key,
        publisher_secret=facts.publisher_secret,
        subscription_id=facts.subscription_id,
        server_public_key=facts.server_public_key,
    )
