#!/bin/sh
# As the official image's step: render /etc/nginx/templates/*.template into /etc/nginx/conf.d/
# with envsubst, substituting only the variables whose names match NGINX_ENVSUBST_FILTER.
set -eu
template_dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
output_dir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
filter=${NGINX_ENVSUBST_FILTER:-}
[ -d "$template_dir" ] || exit 0
defined=$(printf '${%s} ' $(env | cut -d= -f1 | grep -E "${filter:-.}" || true))
for template in $(find "$template_dir" -follow -type f -name "*$suffix"); do
    relative=${template#"$template_dir/"}
    output=$output_dir/${relative%"$suffix"}
    mkdir -p "$(dirname "$output")"
    echo "$0: rendering $template to $output"
    envsubst "$defined" <"$template" >"$output"
done
