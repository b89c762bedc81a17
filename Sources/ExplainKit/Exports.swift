@_exported import ExplainTensor
@_exported import ExplainNN
@_exported import ExplainMethods
@_exported import ExplainIO
@_exported import ExplainReport
