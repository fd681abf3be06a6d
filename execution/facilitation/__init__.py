"""The facilitators of the social clause: their assignments to buyers and their pages."""
