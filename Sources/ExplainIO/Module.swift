import ExplainTensor
import ExplainNN
