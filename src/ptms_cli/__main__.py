if __name__ == "__main__":  # not when a worker process imports the main module
    from ptms_cli.console import main

    main()
