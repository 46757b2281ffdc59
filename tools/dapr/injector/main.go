// Command dapr-inject shows the pods Dapr 1.18.3 itself would create from the lab's Deployments.
//
// It renders Dapr's own Helm chart (charts/dapr of the github.com/dapr/dapr module) with the values
// the kind lab installs it with, reads the sidecar injector's settings from the rendered injector
// Deployment (its environment and its --scheduler-enabled argument, as cmd/injector reads them), and
// runs the injector's admission path (pkg/injector/service, getPodPatchOperations) on the pod
// template of every Deployment read from standard input. Output: JSON, the injector's settings and
// every pod as the API server would store it after the webhook.
//
//	kustomize build k8s-dapr | dapr-inject --chart DIR --values k8s-dapr/dapr-values.yaml
//
// The injector decides whether to mount the sentry token volume by looking for a token of its own
// (pkg/security/token.HasKubernetesToken); in a cluster it has one. Outside, this command re-runs
// itself in a private mount namespace with an empty token file in place, so the answer is the
// in-cluster one and the host is not touched.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	configapi "github.com/dapr/dapr/pkg/apis/configuration/v1alpha1"
	daprfake "github.com/dapr/dapr/pkg/client/clientset/versioned/fake"
	"github.com/dapr/dapr/pkg/injector/service"
	"github.com/dapr/dapr/pkg/security/token"
	"github.com/dapr/kit/logger"
)

// What the published chart of this version carries; the chart inside the module says 0.0.0 / edge.
var publishedChartValues = map[string]interface{}{
	"global": map[string]interface{}{"registry": "ghcr.io/dapr", "tag": "1.18.3"},
}

const sentryTokenDir = "/run/secrets/dapr.io/sentrytoken"

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type injectedPod struct {
	Namespace  string          `json:"namespace"`
	Deployment string          `json:"deployment"`
	Patched    bool            `json:"patched"`
	Pod        json.RawMessage `json:"pod"`
}

type output struct {
	Injector struct {
		Env              map[string]string `json:"env"`
		SchedulerEnabled bool              `json:"schedulerEnabled"`
		MTLSEnabled      bool              `json:"mtlsEnabled"`
	} `json:"injector"`
	Pods []injectedPod `json:"pods"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "dapr-inject: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	chartDir := flag.String("chart", "", "the Dapr chart directory (charts/dapr of the github.com/dapr/dapr module)")
	namespace := flag.String("namespace", "dapr-system", "the namespace Dapr is installed into")
	var valueFiles, sets stringList
	flag.Var(&valueFiles, "values", "a values file, as helm --values (repeatable)")
	flag.Var(&sets, "set", "a value, as helm --set (repeatable)")
	template := flag.Bool("template", false, "print the rendered chart, as helm template does, and inject nothing")
	flag.Parse()
	// Standard output carries the JSON; the injector's own log (warnings only) goes to standard error.
	for _, name := range []string{"dapr.injector.service", "dapr.injector"} {
		l := logger.NewLogger(name)
		l.SetOutput(os.Stderr)
		l.SetOutputLevel(logger.WarnLevel)
	}
	if *chartDir == "" {
		return errors.New("--chart is required")
	}
	if !*template && !token.HasKubernetesToken() && os.Getenv("CALC_DAPR_INJECT_NS") == "" {
		return reexecWithToken()
	}

	values, err := chartValues(valueFiles, sets)
	if err != nil {
		return err
	}
	rendered, err := renderChart(*chartDir, *namespace, values)
	if err != nil {
		return err
	}
	if *template {
		return printTemplate(rendered)
	}
	var out output
	injectorDeployment, daprSystemConfig, err := injectorObjects(rendered)
	if err != nil {
		return err
	}
	cfg, schedulerEnabled, env, err := injectorConfig(injectorDeployment, *namespace)
	if err != nil {
		return err
	}
	out.Injector.Env, out.Injector.SchedulerEnabled = env, schedulerEnabled
	out.Injector.MTLSEnabled = daprSystemConfig.Spec.MTLSSpec.GetEnabled()

	anchors, err := placeholderTrustAnchors()
	if err != nil {
		return err
	}
	daprClient := daprfake.NewSimpleClientset()
	// Stored under the resource the generated fake client reads (configuration.dapr.io), which is
	// not the group the scheme would guess for the object (dapr.io).
	configurations := schema.GroupVersionResource{Group: "configuration.dapr.io", Version: "v1alpha1", Resource: "configurations"}
	if err := daprClient.Tracker().Create(configurations, daprSystemConfig, daprSystemConfig.Namespace); err != nil {
		return err
	}
	deployments, err := readDeployments(os.Stdin)
	if err != nil {
		return err
	}
	for _, d := range deployments {
		pod, err := inject(cfg, daprClient, *namespace, schedulerEnabled, anchors, d)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", d.Namespace, d.Name, err)
		}
		out.Pods = append(out.Pods, pod)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// reexecWithToken runs this command again in a private mount namespace where /run is a fresh tmpfs
// holding an empty sentry token file, as the injector's own pod has one.
func reexecWithToken() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := fmt.Sprintf(`mount -t tmpfs calc-dapr-inject /run && mkdir -p %[1]s && : > %[1]s/token && exec "$0" "$@"`, sentryTokenDir)
	args := []string{"--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		args = append([]string{"--map-root-user"}, args...)
	}
	args = append(args, "sh", "-c", script, self)
	cmd := exec.Command("unshare", append(args, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "CALC_DAPR_INJECT_NS=1")
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		return fmt.Errorf("could not enter a private mount namespace (unshare): %w", err)
	}
	os.Exit(0)
	return nil
}

func chartValues(files, sets []string) (map[string]interface{}, error) {
	values := mergeMaps(map[string]interface{}{}, publishedChartValues)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		fromFile := map[string]interface{}{}
		if err := yaml.Unmarshal(b, &fromFile); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		values = mergeMaps(values, fromFile)
	}
	for _, s := range sets {
		if err := strvals.ParseInto(s, values); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	return values, nil
}

// mergeMaps is Helm's own rule for several values files: later keys win, maps merge.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bv, ok := v.(map[string]interface{}); ok {
			if av, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(av, bv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func renderChart(dir, namespace string, values map[string]interface{}) (map[string]string, error) {
	chart, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("loading the chart: %w", err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = chartutil.KubeVersion{Version: "v1.35.0", Major: "1", Minor: "35"}
	toRender, err := chartutil.ToRenderValues(chart, values, chartutil.ReleaseOptions{Name: "dapr", Namespace: namespace, IsInstall: true, Revision: 1}, caps)
	if err != nil {
		return nil, err
	}
	return engine.Render(chart, toRender)
}

// printTemplate prints the chart's manifests as helm template does: each file's non-empty text after
// a "# Source:" line, in file-name order (what make kind-prefetch reads the chart's images from).
func printTemplate(rendered map[string]string) error {
	names := make([]string, 0, len(rendered))
	for name, text := range rendered {
		if strings.HasSuffix(name, ".yaml") && strings.TrimSpace(text) != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := fmt.Printf("---\n# Source: %s\n%s\n", name, strings.TrimSpace(rendered[name])); err != nil {
			return err
		}
	}
	return nil
}

// injectorObjects finds the sidecar injector's Deployment and the daprsystem Configuration in the rendered chart.
func injectorObjects(rendered map[string]string) (*appsv1.Deployment, *configapi.Configuration, error) {
	var deployment *appsv1.Deployment
	var config *configapi.Configuration
	for name, text := range rendered {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		docs, err := documents(strings.NewReader(text))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, doc := range docs {
			switch {
			case doc.Kind == "Deployment" && strings.Contains(name, "dapr_sidecar_injector_deployment"):
				deployment = &appsv1.Deployment{}
				err = json.Unmarshal(doc.raw, deployment)
			case doc.Kind == "Configuration" && doc.APIVersion == "dapr.io/v1alpha1":
				config = &configapi.Configuration{}
				err = json.Unmarshal(doc.raw, config)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if deployment == nil || config == nil {
		return nil, nil, errors.New("the rendered chart has no sidecar injector Deployment or no daprsystem Configuration")
	}
	return deployment, config, nil
}

// injectorConfig reads the injector's settings as cmd/injector does: service.GetConfig from the
// environment the chart gives its container, and the --scheduler-enabled flag (default true).
func injectorConfig(d *appsv1.Deployment, namespace string) (service.Config, bool, map[string]string, error) {
	var container *corev1.Container
	for i := range d.Spec.Template.Spec.Containers {
		if d.Spec.Template.Spec.Containers[i].Name == "dapr-sidecar-injector" {
			container = &d.Spec.Template.Spec.Containers[i]
		}
	}
	if container == nil {
		return service.Config{}, false, nil, errors.New("no dapr-sidecar-injector container in the injector Deployment")
	}
	env := map[string]string{}
	for _, e := range container.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace":
			env[e.Name] = namespace
		default:
			return service.Config{}, false, nil, fmt.Errorf("injector env %s: unsupported valueFrom", e.Name)
		}
	}
	// In a pod the injector finds the cluster domain in /etc/resolv.conf; kind's is cluster.local.
	if _, ok := env["KUBE_CLUSTER_DOMAIN"]; !ok {
		env["KUBE_CLUSTER_DOMAIN"] = "cluster.local"
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return service.Config{}, false, nil, err
		}
	}
	cfg, err := service.GetConfig()
	if err != nil {
		return service.Config{}, false, nil, err
	}
	schedulerEnabled := true
	for _, a := range append(append([]string{}, container.Command...), container.Args...) {
		if v, ok := strings.CutPrefix(a, "--scheduler-enabled="); ok {
			schedulerEnabled = v == "true"
		}
	}
	return cfg, schedulerEnabled, env, nil
}

// document is one object of a multi-document YAML stream, as JSON, with its kind.
type document struct {
	metav1.TypeMeta
	raw []byte
}

func documents(r io.Reader) ([]document, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var out []document
	for {
		var raw runtime.RawExtension
		if err := decoder.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		var meta metav1.TypeMeta
		if len(bytes.TrimSpace(raw.Raw)) == 0 || json.Unmarshal(raw.Raw, &meta) != nil || meta.Kind == "" {
			continue
		}
		out = append(out, document{TypeMeta: meta, raw: raw.Raw})
	}
}

func readDeployments(r io.Reader) ([]appsv1.Deployment, error) {
	docs, err := documents(r)
	if err != nil {
		return nil, err
	}
	var out []appsv1.Deployment
	for _, doc := range docs {
		if doc.Kind != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if err := json.Unmarshal(doc.raw, &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func inject(cfg service.Config, daprClient *daprfake.Clientset, controlPlaneNamespace string, schedulerEnabled bool, anchors []byte, d appsv1.Deployment) (injectedPod, error) {
	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: *d.Spec.Template.ObjectMeta.DeepCopy(),
		Spec:       *d.Spec.Template.Spec.DeepCopy(),
	}
	pod.Namespace = d.Namespace
	pod.GenerateName = d.Name + "-"
	raw, err := json.Marshal(pod)
	if err != nil {
		return injectedPod{}, err
	}
	ar := &admissionv1.AdmissionReview{Request: &admissionv1.AdmissionRequest{
		UID:       "calc-lab",
		Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
		Namespace: d.Namespace,
		Operation: admissionv1.Create,
		Object:    runtime.RawExtension{Raw: raw},
	}}
	patch, err := service.CalcLabPodPatch(context.Background(), cfg, daprClient, controlPlaneNamespace, schedulerEnabled, anchors, ar)
	if err != nil {
		return injectedPod{}, err
	}
	patched := raw
	if len(patch) > 0 {
		if patched, err = patch.Apply(raw); err != nil {
			return injectedPod{}, fmt.Errorf("applying the injector's patch: %w", err)
		}
	}
	return injectedPod{Namespace: d.Namespace, Deployment: d.Name, Patched: len(patch) > 0, Pod: patched}, nil
}

// placeholderTrustAnchors is a throwaway CA: the injector copies the trust bundle into daprd's
// environment (DAPR_TRUST_ANCHORS); in a cluster sentry makes it.
func placeholderTrustAnchors() ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "calc-lab placeholder trust anchor"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
