import ExplainCLI

ExplainCommand.main()
