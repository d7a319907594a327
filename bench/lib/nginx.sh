# The reference nginx of the HTTP and ISO benches. Source this file; do not run it.
# nginx_conf DIR PORT ROOT: prints a config for a foreground nginx on 127.0.0.1:PORT serving ROOT,
# set up as a static-file server usually is (one worker: one event loop, like Bootbench's),
# with its pid, logs and temp folders in DIR.
nginx_conf() {
  local dir=$1 port=$2 root=$3
  cat <<C
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 30s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { text/plain ipxe; application/octet-stream bin; }
  server {
    listen 127.0.0.1:$port;
    root $root;
    autoindex off;
  }
}
C
}
