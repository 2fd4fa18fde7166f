from ptms_cli.cli.app import main

main()
