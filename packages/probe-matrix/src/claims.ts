/** The article's claims (and the lab's additions) that the probes test. */
export const CLAIMS = {
  'dapr-acl-allows': 'A Dapr access-control policy lets the listed app IDs call through their sidecars.',
  'dapr-acl-denies': 'The same policy denies any other Dapr app calling through its sidecar (403 ERR_DIRECT_INVOKE).',
  'dapr-bypass': 'Dapr is opt-in: a call to the pod IP and app port never meets daprd, so the policy is bypassed.',
  'dapr-internal-mtls': "daprd's own port between sidecars (50002) is mTLS: without a workload certificate the handshake is refused.",
  'mitigation-loopback': 'Mitigation: an app bound to 127.0.0.1 is reachable only through its own daprd (the app channel dials 127.0.0.1).',
  'mitigation-app-token': "Mitigation: with Dapr's app API token the app refuses any call that did not come through its daprd.",
  'mesh-allows': 'A mesh authorization policy lets the listed identities in, by Service address and by pod IP.',
  'mesh-denies-meshed': 'A meshed caller without authorization is denied by the callee proxy, whatever the route: 403 with an empty body (no l5d-proxy-error reaches the app).',
  'mesh-denies-unmeshed': 'A caller outside the mesh has no identity and is denied, whatever the route: interception is transparent.',
  'mesh-default-open': 'Without a policy the default (all-unauthenticated) lets anyone in: the policy is what closes the door.',
  'mesh-probe-gap':
    "Probe-path gap: an unauthenticated GET to the pod's probe paths is allowed even under a policy. Linkerd's behaviour, read in its source: its policy controller gives every HTTP Server without routes of its own a probe route for the pod's probe paths, authorized from the probe networks (0.0.0.0/0 by default; linkerd2 policy-controller/k8s/index/src/inbound/index.rs, default_inbound_http_routes). The local stand-in reproduces it by construction; only make kind-lab shows Linkerd's own proxy do it.",
  'call-graph-deputy':
    "A policy on multiplication alone does not protect multiplication: the intruder calls a percentage with no policy of its own, and percentage calls multiplication under its own, allowed identity (a confused deputy; the 422 RESULT_NOT_FINITE is multiplication's answer).",
  'call-graph-mesh-closed':
    'The fix is a policy on the deputy too: with only mathfanboy allowed to call percentage, the mesh denies everyone else on every route, and the chain still works for MathFanBoy.',
  'call-graph-dapr-open':
    "Dapr's equivalent (an access-control policy on percentage) closes the Dapr route only: by pod IP the intruder still reaches percentage, and through it multiplication.",
  'l4-dapr-out-of-scope':
    'Dapr deals only with layer 7 (HTTP, gRPC): a TCP workload such as Redis is outside any Dapr policy, and every pod reaches it (PING → PONG). Only the network could stop it (a Kubernetes NetworkPolicy, as for the app port; the lab adds none for Redis).',
  'combined-works':
    'Dapr and a mesh together, as the article recommends (Dapr mTLS off, the mesh doing mTLS): calls by app ID go through both sidecars, and MathFanBoy and percentage still work.',
  'combined-mesh-enforces':
    "The mesh authorizes daprd's own port (50002) like the app's: a Dapr call from a caller the mesh does not allow is denied with gRPC's PERMISSION_DENIED, which the caller's daprd passes on as 403 ERR_DIRECT_INVOKE.",
  'combined-bypass-closed': 'With the mesh underneath, the pod-IP bypass is closed: the intruder and a Dapr app calling the pod IP are denied, and so is the deputy and Redis.',
  'combined-acl-blind':
    "Without Dapr's mTLS a caller has no Dapr identity, so an access-control list left in place applies only its defaultAction: deny refuses even the callers it lists. The mesh must enforce instead.",
  'combined-dapr-mtls-opaque':
    "dapr/dapr#1852: with Dapr's own mTLS on as well, the mesh still carries and identifies the connection but sees only TLS — connections, no requests to authorize or count. With it off, the mesh sees every request (see the section on what the mesh saw).",
  'l4-mesh':
    "A mesh deals with layer 4 too: Redis's port is opaque TCP with mTLS, only percentage's identity is authorized, and any other connection is accepted, then cut off without an answer (a reset, or a close).",
} as const;

export type ClaimId = keyof typeof CLAIMS;
