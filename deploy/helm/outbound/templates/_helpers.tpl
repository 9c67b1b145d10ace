{{- define "outbound.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "outbound.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "outbound.secretName" -}}
{{- default (printf "%s-secrets" (include "outbound.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "outbound.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}

{{/* Environment shared by worker, API and the migration job; secrets arrive as files (NAME_FILE). */}}
{{- define "outbound.env" -}}
- name: OUTBOUND_TEMPORAL_ADDRESS
  value: {{ .Values.temporal.address | quote }}
- name: OUTBOUND_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: OUTBOUND_DATA_DIR
  value: /tmp/outbound
# The root filesystem is read-only; npx and tsx keep their caches under HOME.
- name: HOME
  value: /tmp
- name: OUTBOUND_STATE_PG_URL_FILE
  value: /run/secrets/outbound/database-url
- name: OUTBOUND_PAYLOAD_KEY_FILE
  value: /run/secrets/outbound/payload-key
# The vault key's file form demands mode 0600 owned by the reader, which a Secret volume cannot
# give a non-root user; Kubernetes passes it from the Secret as a variable instead.
- name: OUTBOUND_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "outbound.secretName" . }}
      key: vault-key
- name: OUTBOUND_CODEC_TOKEN_FILE
  value: /run/secrets/outbound/codec-token
- name: OUTBOUND_BOOTSTRAP_ADMIN_KEY_FILE
  value: /run/secrets/outbound/bootstrap-admin-key
# `file:` references in the configuration may name files here only, never the keys above.
- name: OUTBOUND_SECRETS_DIR
  value: /run/outbound-config-secrets
{{- end -}}

{{/* The Secret holding what the configuration's `file:` references name (configSecrets.existingSecret). */}}
{{- define "outbound.configSecretsVolume" -}}
{{- with .Values.configSecrets.existingSecret }}
- name: config-secrets
  secret:
    secretName: {{ . }}
    defaultMode: 288 # 0o440, owner and group read (decimal: YAML 1.1 and 1.2 readers agree)
{{- end }}
{{- end -}}

{{- define "outbound.configSecretsMount" -}}
{{- if .Values.configSecrets.existingSecret }}
- { name: config-secrets, mountPath: /run/outbound-config-secrets, readOnly: true }
{{- end }}
{{- end -}}

{{- define "outbound.secretVolume" -}}
- name: secrets
  secret:
    secretName: {{ include "outbound.secretName" . }}
    defaultMode: 288 # 0o440, owner and group read (decimal: YAML 1.1 and 1.2 readers agree)
{{- end -}}

{{- define "outbound.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
