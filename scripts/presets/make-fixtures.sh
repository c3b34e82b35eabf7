#!/usr/bin/env bash
# Produces the preset fixtures (test/fixtures/presets/<preset>/) from the REAL programs: each one
# runs on loopback ports in a temporary directory, gets varied traffic (good and bad requests,
# bad SQL, failed logins, errors), and its log files are copied as they were written.
#
# Run as root on Debian 12 with the packages installed:
#   apt-get install -y nginx apache2 postgresql haproxy redis-server rsyslog clickhouse-server curl
#   bash scripts/presets/make-fixtures.sh
#
# The fixtures committed in the repository came from these Debian 12 (bookworm) package versions:
#   nginx 1.22.1-9+deb12u11, apache2 2.4.71-1~deb12u1, postgresql-15 15.18-0+deb12u1,
#   haproxy 2.6.12-1+deb12u4, redis-server 5:7.0.15-1~deb12u10, rsyslog 8.2302.0-1+deb12u2,
#   clickhouse-server 18.16.1+ds-7.3+b2 (util-linux su for the auth.log failures).
# Every program runs with TZ=Europe/Berlin, so zone handling is tested with a real offset
# (+01:00 in winter, +02:00 in summer); the versions actually used are written to
# test/fixtures/presets/VERSIONS.
#
# PRESET_FIXTURES_OUT=DIR writes them elsewhere (test/presets/live.test.ts does, to check the
# presets against logs of the programs installed right now).
#
# Nothing outside the temporary directory is touched, except /dev/log while rsyslog runs (so
# that su and PAM log through it as on a real system); it is removed again when it was absent.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${PRESET_FIXTURES_OUT:-$ROOT/test/fixtures/presets}
TMP=$(mktemp -d /tmp/mortar-presets.XXXXXX)
chmod 755 "$TMP"
export TZ=Europe/Berlin
PIDS=()
DEVLOG_CREATED=0

cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$TMP/nginx/nginx.pid" ] && kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null
  [ -f "$TMP/apache/httpd.pid" ] && kill "$(cat "$TMP/apache/httpd.pid")" 2>/dev/null
  [ -d "$TMP/pg/data" ] && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$TMP/pg/data" -m fast stop >/dev/null 2>&1
  sleep 1
  [ "$DEVLOG_CREATED" = 1 ] && rm -f /dev/log
  rm -rf "$TMP"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "missing $1: apt-get install -y $2" >&2; exit 2; }; }
need nginx nginx
need apache2 apache2
need haproxy haproxy
need redis-server redis-server
need rsyslogd rsyslog
need curl curl

wait_port() { # host port
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1:$2 did not open" >&2
  return 1
}
raw_http() { # port text: sends raw bytes (malformed requests curl refuses to send)
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf '%b' "$2" >&3
    timeout 2 cat <&3 >/dev/null
  ) 2>/dev/null || true
}
traffic() { # base url: a mix of pages, misses, errors, odd clients
  local u=$1
  curl -s -o /dev/null "$u/"
  curl -s -o /dev/null -A 'Mozilla/5.0 (X11; Linux x86_64) "quoted" agent' -e 'http://example.org/ref?q=1' "$u/index.html?x=1&y=%22"
  curl -s -o /dev/null "$u/missing/page"
  curl -s -o /dev/null -X POST -d 'a=1' "$u/form"
  curl -s -o /dev/null -X DELETE "$u/thing/42"
  curl -s -o /dev/null "$u/boom"
  curl -s -o /dev/null -u 'alice:secret' "$u/private/"
  curl -s -o /dev/null -H 'Host: other.example' "$u/"
  curl -s -o /dev/null -X POST --data-binary @"$TMP/big.bin" "$u/upload"
  curl -s -o /dev/null "$u/%ZZ"
  curl -s -o /dev/null --http1.0 "$u/old"
  raw_http "${u##*:}" 'GARBAGE\r\n\r\n'
  raw_http "${u##*:}" 'GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n'
  raw_http "${u##*:}" '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03'
}
head -c 200000 /dev/urandom >"$TMP/big.bin"

mkdir -p "$OUT"
: >"$OUT/VERSIONS"
for pkg in nginx apache2 postgresql-15 haproxy redis-server rsyslog clickhouse-server util-linux; do
  dpkg-query -W "$pkg" >>"$OUT/VERSIONS" 2>/dev/null || echo "$pkg not installed" >>"$OUT/VERSIONS"
done

# ---------------------------------------------------------------- rsyslog (syslog, auth, haproxy)
mkdir -p "$TMP/rsyslog/work"
if [ ! -e /dev/log ]; then DEVLOG_CREATED=1; fi
cat >"$TMP/rsyslog/rsyslog.conf" <<EOF
global(workDirectory="$TMP/rsyslog/work")
module(load="imuxsock")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="25514")
# Debian 12's default (no template set): RFC 3339 high-precision timestamps.
auth,authpriv.*                  action(type="omfile" file="$TMP/rsyslog/auth.log")
auth,authpriv.*                  action(type="omfile" file="$TMP/rsyslog/auth.traditional.log" template="RSYSLOG_TraditionalFileFormat")
*.*;auth,authpriv.none;local0.none action(type="omfile" file="$TMP/rsyslog/syslog")
*.*;auth,authpriv.none;local0.none action(type="omfile" file="$TMP/rsyslog/syslog.traditional" template="RSYSLOG_TraditionalFileFormat")
local0.*                         action(type="omfile" file="$TMP/rsyslog/haproxy.log")
local0.*                         action(type="omfile" file="$TMP/rsyslog/haproxy.traditional.log" template="RSYSLOG_TraditionalFileFormat")
EOF
rsyslogd -n -f "$TMP/rsyslog/rsyslog.conf" -i "$TMP/rsyslog/rsyslogd.pid" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done

# ---------------------------------------------------------------- nginx
mkdir -p "$TMP/nginx/html/private" "$TMP/nginx/tmp"
echo '<h1>hello</h1>' >"$TMP/nginx/html/index.html"
cat >"$TMP/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log info;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  access_log $TMP/nginx/access.log combined;
  client_max_body_size 1k;
  server {
    listen 127.0.0.1:28080;
    root $TMP/nginx/html;
    location /boom { proxy_pass http://127.0.0.1:28099; }
    location /private/ { auth_basic "closed"; auth_basic_user_file $TMP/nginx/htpasswd; }
    location /form { return 201; }
  }
}
EOF
echo 'alice:{PLAIN}other' >"$TMP/nginx/htpasswd"
nginx -c "$TMP/nginx/nginx.conf"
wait_port 127.0.0.1 28080

# ---------------------------------------------------------------- apache
mkdir -p "$TMP/apache/html/broken"
echo '<h1>hello</h1>' >"$TMP/apache/html/index.html"
echo 'ThisIsNotADirective on' >"$TMP/apache/html/broken/.htaccess"
M=/usr/lib/apache2/modules
cat >"$TMP/apache/httpd.conf" <<EOF
ServerRoot $TMP/apache
ServerName localhost
Listen 127.0.0.1:28081
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule dir_module $M/mod_dir.so
LoadModule mime_module $M/mod_mime.so
LoadModule alias_module $M/mod_alias.so
TypesConfig /etc/mime.types
PidFile $TMP/apache/httpd.pid
Mutex file:$TMP/apache
User www-data
Group www-data
ErrorLog $TMP/apache/error.log
LogLevel info
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
CustomLog $TMP/apache/access.log combined
DocumentRoot $TMP/apache/html
LimitRequestBody 1024
<Directory />
  AllowOverride All
  Require all granted
</Directory>
Redirect 302 /old /
Alias /boom $TMP/apache/html/broken/
EOF
chown -R www-data "$TMP/apache/html"
apache2 -f "$TMP/apache/httpd.conf" -k start
wait_port 127.0.0.1 28081

# ---------------------------------------------------------------- haproxy (logs to rsyslog over UDP)
mkdir -p "$TMP/haproxy"
cat >"$TMP/haproxy/haproxy.cfg" <<EOF
global
  log 127.0.0.1:25514 local0
  pidfile $TMP/haproxy/haproxy.pid
defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:28088
  use_backend dead if { path_beg /dead }
  default_backend nginx
backend nginx
  server n1 127.0.0.1:28080
backend dead
  server d1 127.0.0.1:28098
EOF
haproxy -f "$TMP/haproxy/haproxy.cfg" -db &
PIDS+=($!)
wait_port 127.0.0.1 28088

# ---------------------------------------------------------------- redis
mkdir -p "$TMP/redis"
chown redis "$TMP/redis" 2>/dev/null || true
redis-server --port 26379 --bind 127.0.0.1 --dir "$TMP/redis" --logfile "$TMP/redis/redis.log" \
  --loglevel verbose --daemonize no --save '' --appendonly no &
REDIS=$!
PIDS+=($REDIS)
wait_port 127.0.0.1 26379

# ---------------------------------------------------------------- traffic
for round in 1 2; do
  traffic http://127.0.0.1:28080
  traffic http://127.0.0.1:28081
  traffic http://127.0.0.1:28088
  curl -s -o /dev/null http://127.0.0.1:28088/dead/end
  curl -s -o /dev/null http://127.0.0.1:28081/boom/
  curl -s -o /dev/null "http://127.0.0.1:28081/missing-$round.png"
done

R() { redis-cli -p 26379 "$@" >/dev/null 2>&1 || true; }
R set k1 v1
R get k1
R lpush k1 x          # WRONGTYPE (not logged by redis, but the client connects and leaves)
R nosuchcommand
R config set maxmemory notanumber
R debug sleep 0
R bgsave
sleep 1
R client kill 127.0.0.1:1
R config set loglevel debug
R ping
R config set loglevel verbose
R shutdown nosave
wait "$REDIS" 2>/dev/null || true

logger -t backup -p user.notice 'nightly backup finished: 42 files, 1.2 GB'
logger -t backup -p user.err 'could not reach storage node s3 (timeout after 30s)'
logger -t kernel -p kern.warning 'eth0: link down'
logger -t 'CRON' --id=4242 -p cron.info '(root) CMD (run-parts /etc/cron.hourly)'
logger -t app -p daemon.info 'multi word message with = signs and "quotes" and ünïcödé'
logger -p user.info 'message without a tag'
logger -t sshd --id=5151 -p auth.info 'Accepted publickey for deploy from 192.0.2.10 port 50022 ssh2: ED25519 SHA256:abc'
logger -t sshd --id=5152 -p auth.info 'Failed password for invalid user admin from 198.51.100.7 port 41234 ssh2'
logger -t sshd --id=5152 -p authpriv.notice 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  user=root'
# Real PAM through su: one success as root, two failures from an unprivileged user with a bad password.
su nobody -s /bin/sh -c true || true
for _ in 1 2; do echo wrong | runuser -u nobody -- script -q -c 'su -c true root' /dev/null >/dev/null 2>&1 || true; done
sleep 1

# ---------------------------------------------------------------- postgresql (stderr + csvlog)
PG=/usr/lib/postgresql/15/bin
mkdir -p "$TMP/pg/sock" "$TMP/pg/log"
chown -R postgres "$TMP/pg"
runuser -u postgres -- "$PG/initdb" -D "$TMP/pg/data" -A trust >/dev/null
# Debian's default log_line_prefix ('%m [%p] %q%u@%d '); stderr and csvlog written side by side.
runuser -u postgres -- "$PG/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/startup.log" -w -o "-p 25432 -k $TMP/pg/sock \
  -c listen_addresses=127.0.0.1 -c logging_collector=on -c log_destination=stderr,csvlog \
  -c log_directory=$TMP/pg/log -c log_filename=postgresql.log -c log_timezone=Europe/Berlin \
  -c log_line_prefix='%m [%p] %q%u@%d ' -c log_connections=on -c log_disconnections=on \
  -c log_min_duration_statement=0 -c log_checkpoints=on" start >/dev/null
P() { runuser -u postgres -- psql -h 127.0.0.1 -p 25432 -X -q "$@" >/dev/null 2>&1 || true; }
P -d postgres -c 'create database shop'
P -d shop -c 'create table items (id int primary key, name text)'
P -d shop -c "insert into items values (1, 'apple'), (2, 'pear')"
P -d shop -c 'insert into items values (1, $$dup$$)'
P -d shop -c 'selec * from items'
P -d shop -c 'select 1/0'
P -d shop -c "select name,
  id
from items
where nosuchcolumn = 'x'"
P -d nosuchdb -c 'select 1'
P -U nosuchuser -d shop -c 'select 1'
P -d shop -c 'checkpoint'
P -d shop -c "select pg_sleep(0.01), 'quote \" and , comma'"
runuser -u postgres -- "$PG/pg_ctl" -D "$TMP/pg/data" -m fast -w stop >/dev/null

# ---------------------------------------------------------------- clickhouse (optional)
if command -v clickhouse-server >/dev/null; then
  CH=$TMP/clickhouse
  mkdir -p "$CH/data" "$CH/log"
  cat >"$CH/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>information</level><log>$CH/log/clickhouse-server.log</log><errorlog>$CH/log/clickhouse-server.err.log</errorlog></logger>
  <http_port>28123</http_port>
  <tcp_port>29000</tcp_port>
  <interserver_http_port>29009</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$CH/data/</path>
  <tmp_path>$CH/data/tmp/</tmp_path>
  <user_files_path>$CH/data/user_files/</user_files_path>
  <format_schema_path>$CH/data/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <timezone>Europe/Berlin</timezone>
  <users_config>$CH/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mlock_executable>false</mlock_executable>
</yandex>
EOF
  cat >"$CH/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default/></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default/></quotas>
</yandex>
EOF
  clickhouse-server --config-file="$CH/config.xml" >/dev/null 2>&1 &
  CHPID=$!
  PIDS+=($CHPID)
  wait_port 127.0.0.1 28123
  Q() { curl -s -o /dev/null "http://127.0.0.1:28123/" --data-binary "$1" || true; }
  Q 'create table t (d Date, n UInt32) engine = MergeTree(d, n, 8192)'
  Q "insert into t values ('2026-11-26', 1), ('2026-11-26', 2)"
  Q 'select count() from t'
  Q 'selec 1'
  Q 'select * from no_such_table'
  Q 'select throwIf(1)'
  Q 'drop table t'
  kill "$CHPID"
  wait "$CHPID" 2>/dev/null || true
fi

# ---------------------------------------------------------------- collect
nginx -c "$TMP/nginx/nginx.conf" -s quit
apache2 -f "$TMP/apache/httpd.conf" -k graceful-stop
sleep 2
copy() { # preset file...
  local dir=$OUT/$1
  shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
}
copy nginx_access "$TMP/nginx/access.log"
copy nginx_error "$TMP/nginx/error.log"
copy apache_access "$TMP/apache/access.log"
copy apache_error "$TMP/apache/error.log"
copy haproxy_http "$TMP/rsyslog/haproxy.log" "$TMP/rsyslog/haproxy.traditional.log"
copy redis "$TMP/redis/redis.log"
copy linux_syslog "$TMP/rsyslog/syslog" "$TMP/rsyslog/syslog.traditional"
copy linux_auth "$TMP/rsyslog/auth.log" "$TMP/rsyslog/auth.traditional.log"
copy postgresql "$TMP/pg/log/postgresql.log"
copy postgresql_csv "$TMP/pg/log/postgresql.csv"
[ -d "$TMP/clickhouse" ] && copy clickhouse "$TMP/clickhouse/log/clickhouse-server.log"
du -ab "$OUT" | sort -k2
