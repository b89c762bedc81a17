import ExplainKit
print("explain-bench")
