#!/usr/bin/env bash
# Writes a kubeconfig for a router host from the token created by rbac.yaml.
# Run where kubectl talks to the cluster:  deploy/make-kubeconfig.sh > router.kubeconfig
# then copy it to the host as /etc/router/kubeconfig, readable by the router
# user and no one else (chown root:router, chmod 0640), and set in /etc/router/router.env
#   KUBECONFIG=/etc/router/kubeconfig
set -euo pipefail
ns=router-system
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
ca=$(kubectl -n "$ns" get secret router-token -o jsonpath='{.data.ca\.crt}')
token=$(kubectl -n "$ns" get secret router-token -o jsonpath='{.data.token}' | base64 -d)
cat <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: cluster
    cluster:
      server: ${server}
      certificate-authority-data: ${ca}
users:
  - name: router
    user:
      token: ${token}
contexts:
  - name: router
    context: { cluster: cluster, user: router }
current-context: router
YAML
