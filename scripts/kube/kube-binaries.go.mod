// Written by scripts/kube-control-plane.sh: builds the control-plane binaries.
module flowersim.local/kube-binaries

go @GO_VERSION@

require k8s.io/kubernetes @K8S_VERSION@

replace (
@STAGING_REPLACES@
)

tool (
	go.etcd.io/etcd/server/v3
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
	k8s.io/kubernetes/cmd/kube-scheduler
	k8s.io/kubernetes/cmd/kubectl
	k8s.io/kubernetes/cmd/kubelet
	k8s.io/kubernetes/cmd/kube-proxy
)
