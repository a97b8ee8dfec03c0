// Exit codes (DESIGN.md): 0 ok; 1 the model has errors; 2 usage error; 3 internal error.
return DnnC.Cli.Dnnc.Run(args);
