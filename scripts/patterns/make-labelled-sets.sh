#!/usr/bin/env bash
# Builds the labelled pattern-mining sets under test/fixtures/patterns/ from logs of real programs
# (Debian packages: openssh-server, nginx, postgresql, rsyslog + sudo/su/useradd) and the Mortar
# simulator. Run as root on a throwaway machine or container (it adds users and starts daemons on
# loopback ports, and stops them again):
#   apt-get install -y openssh-server openssh-client sshpass nginx postgresql rsyslog sudo curl
#   scripts/patterns/make-labelled-sets.sh [WORKDIR]
# (PATTERNS_OUT=DIR writes the sets elsewhere; SEED and SIM_SEED vary the traffic and simulation.)
# Each set becomes <set>.log (one message per line: the log line without its timestamp/pid header).
# The labels are NOT produced here: <set>.labels holds one hand-written regex per true event type,
# and scripts/patterns/label.ts checks that every line matches exactly one of them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${PATTERNS_OUT:-$ROOT/test/fixtures/patterns}  # PATTERNS_OUT: e.g. a held-out copy elsewhere
W=${1:-/tmp/mortar-patterns-work}
RANDOM=${SEED:-7}
rm -rf "$W"; mkdir -p "$W" "$OUT"
pick() { local a=("$@"); echo "${a[RANDOM % ${#a[@]}]}"; }
NAMES=(admin test oracle guest ubuntu pi git postgres ftp user1 support deploy jenkins nagios tomcat www mysql backup)
cleanup() {
  for p in "$W"/ssh/sshd.pid "$W"/sys/rsyslogd.pid "$W"/sys/sshd.pid "$W"/nginx/nginx.pid; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  [ -d "$W/pg/data" ] && su postgres -c "/usr/lib/postgresql/*/bin/pg_ctl -D $W/pg/data -m fast stop" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# ---------------------------------------------------------------- users shared by ssh and syslog
for u in alice bob carol dave erin; do
  id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
  echo "$u:pw-$u" | chpasswd
done
mkdir -p /run/sshd
SSH="ssh -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5"

sshd_config() { # $1 dir, $2 port, $3 extra lines
  ssh-keygen -q -t ed25519 -N '' -f "$1/host_ed25519"
  ssh-keygen -q -t rsa -b 2048 -N '' -f "$1/host_rsa"
  cat > "$1/sshd_config" <<CONF
Port $2
ListenAddress 127.0.0.1
HostKey $1/host_ed25519
HostKey $1/host_rsa
LogLevel VERBOSE
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
PidFile $1/sshd.pid
MaxAuthTries 3
PermitRootLogin no
AllowUsers alice bob carol dave root
Subsystem sftp internal-sftp
$3
CONF
}

# key pairs: carol's key is authorised, dave's is not
for u in carol dave; do
  h=$(getent passwd $u | cut -d: -f6); mkdir -p "$h/.ssh"
  [ -f "$W/key_$u" ] || ssh-keygen -q -t "$( [ $u = carol ] && echo ed25519 || echo rsa)" -N '' -f "$W/key_$u"
done
cp "$W/key_carol.pub" "$(getent passwd carol | cut -d: -f6)/.ssh/authorized_keys"
chown -R carol: "$(getent passwd carol | cut -d: -f6)/.ssh"

ssh_traffic() { # $1 port, $2 rounds per worker; 6 workers (a failed password costs sshd ~3 s)
  local w
  for w in 1 2 3 4 5 6; do RANDOM=$((w * 101)); ssh_worker "$1" "$2" & done
  wait
}
ssh_worker() {
  local port=$1 S="${SSH/2222/$1}"
  for i in $(seq 1 "$2"); do
    case $((RANDOM % 14)) in
      0|1) sshpass -p "pw-$(pick alice bob)" $S "$(pick alice bob)@127.0.0.1" "$(pick true 'ls /' 'id' 'uptime')" >/dev/null 2>&1 || true ;;
      2|3) sshpass -p "wrong$RANDOM" $S "$(pick alice bob dave)@127.0.0.1" true >/dev/null 2>&1 || true ;;
      4|5) sshpass -p "x$RANDOM" $S "$(pick "${NAMES[@]}")$((RANDOM % 3 == 0 ? RANDOM % 100 : 0))@127.0.0.1" true >/dev/null 2>&1 || true ;;
      6) $S -i "$W/key_carol" -o PasswordAuthentication=no carol@127.0.0.1 "$(pick true id)" >/dev/null 2>&1 || true ;;
      7) $S -i "$W/key_dave" -o PasswordAuthentication=no -o IdentitiesOnly=yes dave@127.0.0.1 true >/dev/null 2>&1 || true ;;
      8) sshpass -p pw-erin $S erin@127.0.0.1 true >/dev/null 2>&1 || true ;;
      9) { exec 3<>/dev/tcp/127.0.0.1/"$port" && printf '%s\r\n' "$(pick GET\ /\ HTTP/1.0 hello SSH-1.5-old "\x16\x03\x01")" >&3; sleep 0.2; exec 3>&-; } 2>/dev/null || true ;;
      10) { exec 3<>/dev/tcp/127.0.0.1/"$port" && exec 3>&-; } 2>/dev/null || true ;;
      11) $S -o KexAlgorithms=diffie-hellman-group1-sha1 alice@127.0.0.1 true >/dev/null 2>&1 || true ;;
      12) echo "ls" | sshpass -p pw-alice sftp -P "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null alice@127.0.0.1 >/dev/null 2>&1 || true ;;
      13) sshpass -p "pw-root" $S root@127.0.0.1 true >/dev/null 2>&1 || true ;;
    esac
  done
}

# ---------------------------------------------------------------- sshd (its own log file, -E)
mkdir -p "$W/ssh"
sshd_config "$W/ssh" 2222 ""
/usr/sbin/sshd -f "$W/ssh/sshd_config" -E "$W/ssh/sshd.log"
sleep 0.5
ssh_traffic 2222 "${SSH_ROUNDS:-45}"
kill -HUP "$(cat "$W/ssh/sshd.pid")"; sleep 1
ssh_traffic 2222 3
kill "$(cat "$W/ssh/sshd.pid")"; sleep 0.5
cat "$W/ssh/sshd.log" > "$OUT/sshd.log"

# ---------------------------------------------------------------- nginx (access + error log)
N="$W/nginx"; mkdir -p "$N/html/docs" "$N/html/private" "$N/tmp"
for f in index.html a.html b.txt docs/guide.html; do echo "page $f" > "$N/html/$f"; done
printf 'alice:%s\n' "$(openssl passwd -apr1 secret)" > "$N/htpasswd"
cat > "$N/nginx.conf" <<CONF
pid $N/nginx.pid;
error_log $N/error.log info;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log $N/access.log combined;
  client_body_temp_path $N/tmp; proxy_temp_path $N/tmp; fastcgi_temp_path $N/tmp;
  uwsgi_temp_path $N/tmp; scgi_temp_path $N/tmp;
  large_client_header_buffers 2 1k;
  client_max_body_size 1k;
  limit_req_zone \$binary_remote_addr zone=one:1m rate=5r/s;
  server {
    listen 127.0.0.1:8088;
    server_name localhost;
    root $N/html;
    rewrite_log on;
    location / { }
    location /limited/ { limit_req zone=one; }
    location /private/ { auth_basic "private"; auth_basic_user_file $N/htpasswd; }
    location /api/ { proxy_pass http://127.0.0.1:9; }
    location /old/ { rewrite ^/old/(.*)\$ /docs/\$1 permanent; }
    location /up/ { alias $N/html/; }
  }
}
CONF
nginx -c "$N/nginx.conf" 2>/dev/null
sleep 0.5
C="curl -s -o /dev/null --max-time 3"
for i in $(seq 1 "${HTTP_ROUNDS:-600}"); do
  case $((RANDOM % 13)) in
    0|1) $C "http://127.0.0.1:8088/$(pick index.html a.html b.txt docs/guide.html '')" ;;
    2|3) $C "http://127.0.0.1:8088/$(pick missing wp-login.php .env admin/config.php images/logo$RANDOM.png)" ;;
    4) $C "http://127.0.0.1:8088/docs/" ;;
    5) $C -u "$(pick alice bob mallory):$(pick secret wrong)" "http://127.0.0.1:8088/private/x.html" ;;
    6) $C "http://127.0.0.1:8088/api/v$((RANDOM % 3))/items/$RANDOM" ;;
    7) $C "http://127.0.0.1:8088/old/guide.html" ;;
    8) $C "http://127.0.0.1:8088/limited/a$RANDOM" & $C "http://127.0.0.1:8088/limited/b$RANDOM" & $C "http://127.0.0.1:8088/limited/c$RANDOM"; wait ;;
    9) { exec 3<>/dev/tcp/127.0.0.1/8088 && printf '%s\r\n\r\n' "$(pick 'BREW /pot HTCPCP/1.0' 'GET' 'GET /x HTTP/9.9' "$(head -c 40 /dev/urandom | base64)")" >&3; timeout 1 cat <&3 >/dev/null; exec 3>&-; } 2>/dev/null || true ;;
    10) $C -H "X-Big: $(head -c 1500 /dev/zero | tr '\0' a)" "http://127.0.0.1:8088/a.html" ;;
    11) $C -X POST --data-binary "$(head -c 2000 /dev/zero | tr '\0' b)" "http://127.0.0.1:8088/up/a.html" ;;
    12) $C -X "$(pick DELETE PUT POST OPTIONS)" "http://127.0.0.1:8088/a.html" ;;
  esac
done
kill -HUP "$(cat "$N/nginx.pid")"; sleep 1; kill -QUIT "$(cat "$N/nginx.pid")"; sleep 1
# error log header "2026/11/26 15:00:00 [error] 12#12: " is stripped; access lines are whole messages
sed -E 's/^[0-9\/]+ [0-9:]+ \[[a-z]+\] [0-9]+#[0-9]+: //' "$N/error.log" > "$W/nginx-error.msg"
cat "$N/access.log" "$W/nginx-error.msg" | awk 'BEGIN{srand(7)} {print rand() "\t" $0}' | sort -k1,1 | cut -f2- > "$OUT/nginx.log"

# ---------------------------------------------------------------- PostgreSQL (own cluster)
P="$W/pg"; mkdir -p "$P"; chown postgres: "$P"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
su postgres -c "$PGBIN/initdb -D $P/data -A trust >/dev/null"
cat >> "$P/data/postgresql.conf" <<CONF
port = 5499
listen_addresses = '127.0.0.1'
unix_socket_directories = '$P'
log_line_prefix = '%m [%p] '
log_connections = on
log_disconnections = on
log_statement = 'ddl'
log_min_duration_statement = -1
log_checkpoints = on
log_lock_waits = on
log_temp_files = 0
work_mem = '64kB'
CONF
su postgres -c "$PGBIN/pg_ctl -D $P/data -l $P/server.log -w start >/dev/null"
PSQL="psql -X -q -h 127.0.0.1 -p 5499"
su postgres -c "$PSQL -U postgres -c 'create role app login' -c 'create database shop owner app'" >/dev/null
$PSQL -U app shop -c "create table items (id int primary key, name text not null, price numeric check (price >= 0)); create table orders (id serial primary key, item int references items(id), qty int);" >/dev/null
for i in $(seq 1 "${PG_ROUNDS:-300}"); do
  n=$((RANDOM % 500))
  case $((RANDOM % 16)) in
    0) q="insert into items values ($n, 'item $n', $((RANDOM % 90)))" ;;
    1) q="insert into items values ($n, null, 1)" ;;
    2) q="insert into items values ($n, 'x', -$((RANDOM % 9 + 1)))" ;;
    3) q="insert into orders (item, qty) values ($((n + 1000)), 1)" ;;
    4) q="select * from $(pick nope items_old customers) where id = $n" ;;
    5) q="select $(pick nme prce quantity) from items" ;;
    6) q="selec * from items" ;;
    7) q="select 1/0" ;;
    8) q="select '$(pick abc 12x '')'::int" ;;
    9) q="create table t$n (a int); drop table t$n" ;;
    10) q="create index $(pick idx_name idx_price)_$n on items($(pick name price)); drop index $(pick idx_name idx_price)_$n" ;;
    11) q="alter table items add column c$n int; alter table items drop column c$n" ;;
    12) q="select count(*) from generate_series(1, $((RANDOM * 4))) g order by 1" ;;
    13) q="select * from items order by random() limit $((RANDOM % 9 + 1))" ;;
    14) q="checkpoint" ;;
    15) q="begin; lock table items in exclusive mode; select pg_sleep(0); commit" ;;
  esac
  case $((RANDOM % 9)) in
    0) $PSQL -U "$(pick bob mallory app_ro)" shop -c "select 1" >/dev/null 2>&1 || true ;;
    1) $PSQL -U app "$(pick shopp test analytics)" -c "select 1" >/dev/null 2>&1 || true ;;
    2) su postgres -c "psql -X -q -h $P -p 5499 -U postgres shop -c \"$q\"" >/dev/null 2>&1 || true ;;
    *) $PSQL -U app shop -c "$q" >/dev/null 2>&1 || true ;;
  esac
done
su postgres -c "$PSQL -U postgres -c 'checkpoint'" >/dev/null 2>&1 || true
su postgres -c "$PGBIN/pg_ctl -D $P/data -m fast -w stop >/dev/null"
# header "2026-11-26 15:00:00.123 UTC [1234] " stripped; continuation lines (tab) dropped
grep -v $'^\t' "$P/server.log" | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' > "$OUT/postgresql.log"

# ---------------------------------------------------------------- syslog (rsyslogd + real tools)
Y="$W/sys"; mkdir -p "$Y"; cd "$Y"  # sudo logs the working directory
cat > "$Y/rsyslog.conf" <<CONF
module(load="imuxsock" SysSock.Use="on")
template(name="msg" type="string" string="%syslogtag%%msg%\n")
*.* action(type="omfile" file="$Y/messages" template="msg")
CONF
rsyslogd -n -f "$Y/rsyslog.conf" -i "$Y/rsyslogd.pid" &
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S /dev/log ] && [ -f "$Y/rsyslogd.pid" ] && break; sleep 0.5; done
[ -S /dev/log ] || { echo "rsyslogd did not open /dev/log" >&2; exit 1; }
sshd_config "$Y" 2223 "SyslogFacility AUTH"
/usr/sbin/sshd -f "$Y/sshd_config"
sleep 0.5
ssh_traffic 2223 "${SYS_SSH_ROUNDS:-8}" &
SSH_BG=$!
for i in $(seq 1 "${SYS_ROUNDS:-120}"); do
  u=$(pick alice bob carol dave)
  case $((RANDOM % 9)) in
    0) su -s /bin/sh "$u" -c true ;;
    1) su "$u" -c "sudo -n true" >/dev/null 2>&1 || true ;;
    2) echo "pw-$u" | su "$u" -c "sudo -S -p '' $(pick id ls whoami)" >/dev/null 2>&1 || true ;;
    3) echo "bad$RANDOM" | su "$u" -c "sudo -S -p '' true" >/dev/null 2>&1 || true ;;
    4) n="tmp$RANDOM"; useradd -M "$n" 2>/dev/null; userdel "$n" 2>/dev/null || true ;;
    5) g="grp$RANDOM"; groupadd "$g" 2>/dev/null; gpasswd -a "$u" "$g" >/dev/null 2>&1; groupdel "$g" 2>/dev/null || true ;;
    6) echo "$u:pw-$u" | chpasswd ;;
    7) su "$u" -c "echo pw | su -c true $(pick alice bob)" >/dev/null 2>&1 || true ;;
    8) kill -HUP "$(cat "$Y/rsyslogd.pid")"; sleep 0.2 ;;
  esac
done
wait "$SSH_BG"  # not rsyslogd, which runs in the background too
kill "$(cat "$Y/sshd.pid")"; sleep 0.5; kill "$(cat "$Y/rsyslogd.pid")"; sleep 0.5
sed -E 's/^([A-Za-z._-]+)\[[0-9]+\]:/\1:/' "$Y/messages" > "$OUT/syslog.log"

# ---------------------------------------------------------------- Mortar simulator (event messages)
S="$W/sim"
node "$ROOT/bin/mortar.js" simulate --out "$S" --duration 20m --seed "${SIM_SEED:-11}" \
  --scenario failover,storm:factor=3,console-stall,corrupt,silent,clock-skew >/dev/null
: > "$OUT/sim.log"
for p in sensors gateway alarm-server video console; do
  cat "$S/$p"/*.log | node "$ROOT/bin/mortar.js" parse -c "$ROOT/config/demo/mortar.yaml" -p "$p" 2>/dev/null |
    node -e 'require("readline").createInterface({input:process.stdin}).on("line",(l)=>console.log(JSON.parse(l).message.split("\n")[0]))' |
    awk -v keep="${SIM_PER_PIPELINE:-400}" '{a[NR]=$0} END {s=NR/keep; if (s<1) s=1; for (i=1;i<=NR;i+=s) print a[int(i)]}' >> "$OUT/sim.log"
done
wc -l "$OUT"/*.log
