module calculator-lab/tools/kind-airgap/helm

go 1.25.0

require helm.sh/helm/v3 v3.18.4
