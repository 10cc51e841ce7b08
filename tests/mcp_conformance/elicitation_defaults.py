print(test_client_elicitation_defaults())
