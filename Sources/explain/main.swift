import ExplainCLI

ExplainCommand.runMain()
