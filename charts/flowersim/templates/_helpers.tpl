{{/* The release's full name, at most 63 characters (a DNS label). */}}
{{- define "flowersim.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "flowersim.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flowersim.labels" -}}
{{ include "flowersim.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* A map of labels as the operator's settings take them: k=v,k=v (sorted by key). */}}
{{- define "flowersim.labelList" -}}
{{- $items := list -}}
{{- range $k, $v := . -}}
{{- $items = append $items (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $items -}}
{{- end -}}

{{- define "flowersim.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flowersim.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
What the operator may do, and nothing more: read FlowerSimulations and patch their status;
create and patch what it owns (RayJobs, ConfigMaps, the runtime's RBAC, a NetworkPolicy per
simulation; garbage collection deletes it with the owner, so no delete);
grant the runtime get/patch on its own ConfigMap (RBAC lets it grant only what it holds);
record Events and read those on its RayJobs and RayClusters, list the pods of its Ray
clusters (why a cluster does not come up); read Kueue's Workloads (admission of queued RayJobs). Kept equal to
manifests/operator/rbac.yaml (a test compares them).
*/}}
{{- define "flowersim.rules" -}}
- apiGroups: ["flowersim.io"]
  resources: ["flowersimulations"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["flowersim.io"]
  resources: ["flowersimulations/status"]
  verbs: ["patch"]
- apiGroups: ["ray.io"]
  resources: ["rayjobs"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: [""]
  resources: ["configmaps", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
- apiGroups: ["kueue.x-k8s.io"]
  resources: ["workloads"]
  verbs: ["get", "list", "watch"]
{{- end -}}
