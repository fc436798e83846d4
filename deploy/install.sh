#!/bin/sh
# NetWatcher agent installer. Served by the controller at /install.sh with the controller's URL,
# its release signing key and the systemd unit filled in; use the line the controller gives when
# an agent is created:
#   curl -fsSL https://nw.example.com/install.sh | sudo sh -s -- --workspace 1 --agent 2 --pin 123456789
# It downloads the single-executable agent, checks its SHA-256 (and its Ed25519 signature when
# openssl 3 is present), installs it with an unprivileged user and a hardened systemd unit,
# installs ping and mtr when missing, enrolls with the PIN and starts the service.
#   --uninstall removes the service, the binary, the user, the config and the spool.
# NW_INSTALL_ROOT=<dir> stages every file under <dir> instead of / (tests, image builds).
set -eu

NW_CONTROLLER_DEFAULT=''
ROOT="${NW_INSTALL_ROOT:-}"
SERVICE=netwatcher-agent
USER_NAME=netwatcher-agent
STATE_DIR=/var/lib/netwatcher-agent
CONFIG_DIR=/etc/netwatcher-agent
CONFIG="$CONFIG_DIR/agent.json"
BIN="$STATE_DIR/bin/netwatcher-agent"
LINK=/usr/local/bin/netwatcher-agent
UNIT=/etc/systemd/system/netwatcher-agent.service
PLATFORM=linux-x64

SIGNING_PUBLIC_KEY=$(cat <<'NW_KEY'
@@SIGNING_PUBLIC_KEY@@
NW_KEY
)

write_unit() {
  cat <<'NW_UNIT'
@@AGENT_UNIT@@
NW_UNIT
}

say() { printf 'netwatcher-install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
  cat <<'EOF'
usage: install.sh --workspace ID --agent ID --pin PIN [--controller URL] [--insecure] [--no-start]
       install.sh --uninstall
  --controller URL  controller base URL (default: the controller this script came from)
  --insecure        allow a plain http:// controller (the binary is still checked)
  --no-start        install and enroll, but do not start the service
  Without --pin, an installed agent keeps its enrollment and only the binary and unit are replaced.
EOF
}

controller="$NW_CONTROLLER_DEFAULT"
workspace=''
agent=''
pin=''
insecure=0
uninstall=0
start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --controller|--workspace|--agent|--pin)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --controller) controller="$2" ;;
        --workspace) workspace="$2" ;;
        --agent) agent="$2" ;;
        --pin) pin="$2" ;;
      esac
      shift 2 ;;
    --insecure) insecure=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root: curl -fsSL <controller>/install.sh | sudo sh -s -- …"
have() { command -v "$1" >/dev/null 2>&1; }

if [ "$uninstall" -eq 1 ]; then
  if have systemctl; then systemctl disable --now "$SERVICE.service" >/dev/null 2>&1 || true; fi
  rm -f "$ROOT$UNIT" "$ROOT$LINK"
  if have systemctl; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
  rm -rf "$ROOT$STATE_DIR" "$ROOT$CONFIG_DIR"
  if id "$USER_NAME" >/dev/null 2>&1; then
    if have userdel; then userdel "$USER_NAME"; elif have deluser; then deluser "$USER_NAME"; fi
  fi
  say "removed the NetWatcher agent (service, binary, user, config and spool)"
  exit 0
fi

case "$SIGNING_PUBLIC_KEY" in
  *BEGIN*) ;;
  *) die "this is the installer template; download it from your controller: curl -fsSL <controller>/install.sh" ;;
esac

# --- arguments ----------------------------------------------------------------------------------
controller="${controller%/}"
case "$controller" in
  https://*) ;;
  http://*) [ "$insecure" -eq 1 ] || die "refusing plain http controller $controller: anyone on the path could swap the agent; use https, or pass --insecure on a network you trust" ;;
  '') die "no controller URL: pass --controller https://…" ;;
  *) die "controller URL must start with https:// (got $controller)" ;;
esac
is_id() { case "$1" in ''|*[!0-9]*|0*) return 1 ;; *) [ ${#1} -le 10 ] ;; esac; }
if [ -n "$pin" ] || [ ! -f "$ROOT$CONFIG" ]; then
  is_id "$workspace" || die "--workspace must be a positive integer (got '$workspace')"
  is_id "$agent" || die "--agent must be a positive integer (got '$agent')"
  [ -n "$pin" ] || die "--pin is needed for a first install (create the agent on the controller to get one)"
  case "$pin" in *[!A-Za-z0-9]*) die "--pin must be letters and digits" ;; esac
fi

[ "$(uname -s)" = Linux ] || die "the agent runs on Linux only"
case "$(uname -m)" in
  x86_64|amd64) ;;
  *) die "no agent build for $(uname -m) (available: $PLATFORM)" ;;
esac
have curl || die "curl is needed"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# --- download and verify -------------------------------------------------------------------------
fetch() {
  # https only (redirects included) unless --insecure allowed http.
  if [ "$insecure" -eq 1 ]; then curl -fsSL -o "$2" "$controller$1"; else curl -fsSL --proto '=https' -o "$2" "$controller$1"; fi \
    || die "download of $controller$1 failed"
}
sha256_of() {
  if have sha256sum; then sha256sum "$1" | cut -d' ' -f1
  elif have openssl; then openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  elif have shasum; then shasum -a 256 "$1" | cut -d' ' -f1
  else die "no sha256sum, openssl or shasum to check the download with"
  fi
}

say "downloading the agent from $controller"
fetch "/agent/download/$PLATFORM" "$tmp/agent"
fetch "/agent/download/$PLATFORM.sha256" "$tmp/agent.sha256"
fetch "/agent/download/$PLATFORM.statement" "$tmp/agent.statement"
fetch "/agent/download/$PLATFORM.sig" "$tmp/agent.sig"
expected=$(cut -d' ' -f1 "$tmp/agent.sha256")
actual=$(sha256_of "$tmp/agent")
[ "$actual" = "$expected" ] || die "checksum mismatch: the download has sha256 $actual, the controller published $expected; refusing to install"
grep -q "sha256:$actual\$" "$tmp/agent.statement" || die "the signed release statement names another binary; refusing to install"

printf '%s\n' "$SIGNING_PUBLIC_KEY" > "$tmp/release-key.pem"
if have openssl && openssl version 2>/dev/null | grep -q '^OpenSSL [3-9]'; then
  openssl base64 -d -A -in "$tmp/agent.sig" -out "$tmp/agent.sig.bin" 2>/dev/null || die "the signature is not base64; refusing to install"
  openssl pkeyutl -verify -pubin -inkey "$tmp/release-key.pem" -rawin -in "$tmp/agent.statement" -sigfile "$tmp/agent.sig.bin" >/dev/null 2>&1 \
    || die "the Ed25519 signature does not match the controller's release key; refusing to install"
  say "checksum and signature verified ($(cut -d' ' -f3 "$tmp/agent.statement"))"
else
  say "checksum verified; signature not checked here (needs OpenSSL 3). The agent checks signatures of its own updates."
fi
chmod 0755 "$tmp/agent"
version=$("$tmp/agent" --version) || die "the downloaded agent does not run on this host"

# --- ping and mtr ----------------------------------------------------------------------------------
missing=''
have ping || missing="$missing ping"
have mtr || missing="$missing mtr"
if [ -n "$missing" ]; then
  if have apt-get; then
    pkgs=''
    case "$missing" in *ping*) pkgs="$pkgs iputils-ping" ;; esac
    case "$missing" in *mtr*) pkgs="$pkgs mtr-tiny" ;; esac
    say "installing$pkgs with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs || die "apt-get could not install$pkgs"
  elif have dnf || have apk; then
    pkgs=''
    case "$missing" in *ping*) pkgs="$pkgs iputils" ;; esac
    case "$missing" in *mtr*) pkgs="$pkgs mtr" ;; esac
    if have dnf; then say "installing$pkgs with dnf"; dnf install -y -q $pkgs || die "dnf could not install$pkgs"
    else say "installing$pkgs with apk"; apk add --no-cache $pkgs || die "apk could not install$pkgs"; fi
  else
    say "warning: no apt-get, dnf or apk here: install$missing yourself (iputils ping, mtr); PING and MTR probes fail until then"
  fi
fi

# --- user, files, enrollment -------------------------------------------------------------------
if ! id "$USER_NAME" >/dev/null 2>&1; then
  if have useradd; then
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
  elif have adduser; then
    addgroup -S "$USER_NAME" && adduser -S -D -H -h "$STATE_DIR" -s /sbin/nologin -G "$USER_NAME" "$USER_NAME"
  else
    die "no useradd or adduser to create the $USER_NAME user"
  fi
fi
if have systemctl; then systemctl stop "$SERVICE.service" >/dev/null 2>&1 || true; fi
install -d -m 0700 "$ROOT$STATE_DIR" "$ROOT$STATE_DIR/bin" "$ROOT$STATE_DIR/spool" "$ROOT$CONFIG_DIR"
install -d -m 0755 "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system"
cp "$tmp/agent" "$ROOT$BIN.new" && chmod 0755 "$ROOT$BIN.new" && mv -f "$ROOT$BIN.new" "$ROOT$BIN"
ln -sfn "$BIN" "$ROOT$LINK"

json_string() { awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\\n", $0 }'; }
if [ -n "$pin" ]; then
  # A fresh enrollment: the old PSK (if any) is dropped; the pinned key is the one served with this script.
  umask 077
  printf '{\n  "controller": "%s",\n  "workspace_id": %s,\n  "agent_id": %s,\n  "update_public_key": "%s"\n}\n' \
    "$controller" "$workspace" "$agent" "$(printf '%s\n' "$SIGNING_PUBLIC_KEY" | json_string)" > "$ROOT$CONFIG"
fi
chown -R "$USER_NAME:$USER_NAME" "$ROOT$STATE_DIR" "$ROOT$CONFIG_DIR"

as_agent() {
  if have runuser; then runuser -u "$USER_NAME" -- "$@"
  elif have setpriv; then setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- "$@"
  else su -s /bin/sh "$USER_NAME" -c '"$0" "$@"' -- "$@"
  fi
}
if [ -n "$pin" ]; then
  say "enrolling agent $agent of workspace $workspace"
  status=0
  NW_PIN="$pin" as_agent "$ROOT$BIN" enroll --config "$ROOT$CONFIG" || status=$?
  case "$status" in
    0) ;;
    3) die "the controller says agent $agent was deleted" ;;
    4) die "the controller refused the PIN (wrong, already used or expired): issue a new one with POST /workspaces/$workspace/agents/$agent/issue-pin" ;;
    5) die "too many wrong PINs: the agent is locked for a while; try again later" ;;
    *) die "enrollment failed (exit $status)" ;;
  esac
fi

# --- service -------------------------------------------------------------------------------------
write_unit > "$ROOT$UNIT"
chmod 0644 "$ROOT$UNIT"
if have systemctl; then
  systemctl daemon-reload
  if [ "$start" -eq 1 ]; then systemctl enable --now "$SERVICE.service"; else systemctl enable "$SERVICE.service"; fi
  say "installed $version; service $SERVICE $( [ "$start" -eq 1 ] && echo started || echo enabled)"
else
  say "installed $version; no systemd here: run it as $USER_NAME with: $BIN run --config $CONFIG --data-dir $STATE_DIR/spool"
fi
say "check it with: sudo netwatcher-agent status"
